package io.xaccess.aws;

import io.xaccess.grant.Grant;
import java.util.Optional;

/**
 * What the operator's production identity may do to a grant's bucket and key beyond its stack:
 * prove they are the grant's own, remove an empty bucket and its key ({@code bucket.deletionPolicy:
 * Delete}, or what a failed create left behind), and look at or leave a bucket policy. Never
 * touches an object: S3 itself refuses to delete a bucket that is not empty. Every S3 call names
 * the production account as the expected bucket owner. Failures are {@link AwsProblem}s.
 */
public interface ProductionStorage {

  /** The uid tag the buckets and keys of a grant's stack carry. */
  String UID_TAG = "xaccess.io/uid";

  boolean bucketExists(Grant.Account production, String bucket);

  /** Whether the bucket holds no object, version or delete marker at all. */
  boolean bucketEmpty(Grant.Account production, String bucket);

  /** The bucket's {@value #UID_TAG} tag, empty when it has none. */
  Optional<String> bucketUid(Grant.Account production, String bucket);

  void deleteBucket(Grant.Account production, String bucket);

  /** Whether the bucket has a bucket policy at all. */
  boolean hasBucketPolicy(Grant.Account production, String bucket);

  /** Puts a policy that only denies requests without TLS (nothing else). */
  void putTlsOnlyPolicy(Grant.Account production, String bucket, String partition);

  /**
   * A key's {@value #UID_TAG} tag: empty when the key does not exist; an empty inner value when it
   * has no such tag.
   */
  Optional<Optional<String>> keyUid(Grant.Account production, String keyId);

  /**
   * Tags a key with the grant's uid. Called only with a key id read from the grant's own stack's
   * resources, never from status: CloudFormation already propagates the stack's tags to the key on
   * AWS; emulators do not.
   */
  void markKey(Grant.Account production, String keyId, String uid);

  /**
   * Schedules deletion of a KMS key (the minimum 7-day waiting period, so it can still be
   * cancelled) and removes its alias; a key already pending deletion, or gone, is done.
   *
   * @param keyId the key's id (moto, unlike AWS, accepts no ARN here)
   * @param aliasName its alias, or null for none
   */
  void retireKey(Grant.Account production, String keyId, String aliasName);
}
