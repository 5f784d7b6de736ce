package io.xaccess.aws;

import io.xaccess.grant.Grant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The production role, bucket and key of a grant as AWS holds them now, read for the drift check,
 * and the direct calls that put a declared document or setting back. Only ever called on what the
 * grant's own production stack names (its role, the bucket policy it manages, the bucket and key it
 * created); writes to the bucket and key are further proven by their {@value
 * ProductionStorage#UID_TAG} tag by the caller. Failures are {@link AwsProblem}s.
 */
public interface ProductionPolicies {

  /**
   * What to read: the role always; the bucket policy when the stack manages it; the bucket's
   * encryption and public access block when the stack created the bucket; the key policy when it
   * created the key.
   *
   * @param keyId the key whose policy to read
   * @param keyOfBucket without {@code keyId}: read the policy of the key the bucket's default
   *     encryption names, if any (a grant made by hand, whose stack names no key)
   */
  record Target(
      String roleName,
      String bucket,
      boolean bucketPolicy,
      boolean bucketSettings,
      Optional<String> keyId,
      boolean keyOfBucket) {}

  /** A bucket's default encryption: {@code aws:kms} or {@code AES256}, its key, the bucket key. */
  record Encryption(String algorithm, Optional<String> keyId, boolean bucketKey) {}

  /** The four switches of a bucket's public access block. */
  record PublicAccess(
      boolean blockPublicAcls,
      boolean ignorePublicAcls,
      boolean blockPublicPolicy,
      boolean restrictPublicBuckets) {

    public static final PublicAccess ALL_BLOCKED = new PublicAccess(true, true, true, true);
  }

  /**
   * What AWS holds; a document or setting that does not exist is empty.
   *
   * @param roleExists false when the role itself is gone (nothing else of it is read)
   * @param trust the role's trust policy as IAM returns it (URL-encoded JSON)
   * @param permissionsBoundary the role's permissions boundary ARN, empty for none
   * @param maxSessionSeconds the role's MaxSessionDuration
   * @param inlinePolicies the role's inline policies by name, as IAM returns them
   * @param attachedPolicies ARNs of the managed policies attached to the role
   * @param bucketExists false when the bucket is gone (nothing else of it is read)
   */
  record Live(
      boolean roleExists,
      String trust,
      String permissionsBoundary,
      long maxSessionSeconds,
      Map<String, String> inlinePolicies,
      List<String> attachedPolicies,
      boolean bucketExists,
      Optional<String> bucketPolicy,
      Optional<Encryption> encryption,
      Optional<PublicAccess> publicAccess,
      Optional<String> keyPolicy) {}

  /**
   * Reads {@code target}: three calls for the role plus one per inline policy, and up to four more
   * (bucket policy, encryption, public access block, key policy).
   */
  Live read(Grant.Account production, Target target);

  void putTrust(Grant.Account production, String roleName, String document);

  void putMaxSessionDuration(Grant.Account production, String roleName, long seconds);

  void putPermissionsBoundary(Grant.Account production, String roleName, String policyArn);

  void putRolePolicy(Grant.Account production, String roleName, String name, String document);

  void deleteRolePolicy(Grant.Account production, String roleName, String name);

  void detachRolePolicy(Grant.Account production, String roleName, String policyArn);

  void putBucketPolicy(Grant.Account production, String bucket, String document);

  void putBucketEncryption(Grant.Account production, String bucket, Encryption encryption);

  void putPublicAccessBlock(Grant.Account production, String bucket, PublicAccess settings);

  void putKeyPolicy(Grant.Account production, String keyId, String document);
}
