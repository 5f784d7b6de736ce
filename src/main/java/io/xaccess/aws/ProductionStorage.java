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

  /** The uid tag xaccess puts on the buckets its stacks create. */
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

  /** A KMS key as its owner sees it; empty when it does not exist. */
  Optional<Key> key(Grant.Account production, String keyId);

  /**
   * Schedules deletion of a KMS key (the minimum 7-day waiting period, so it can still be
   * cancelled) and removes its alias if the alias still names it.
   *
   * @param keyId the key's id (moto, unlike AWS, accepts no ARN here)
   */
  void retireKey(Grant.Account production, String keyId, String aliasName);

  /**
   * A key: its description, which the production template writes as {@code ... (grant <uid>)}, and
   * whether it is already pending deletion. (The mark is the description rather than a tag: moto
   * 5.2.5 fails on {@code Tags} of an {@code AWS::KMS::Key}, and answers ListResourceTags of a key
   * CloudFormation made with a codeless 500; the description is read by DescribeKey, the one call
   * needed anyway.)
   */
  record Key(String keyId, String description, boolean pendingDeletion) {

    /** Whether the key carries the grant's uid. */
    public boolean markedFor(String uid) {
      return description.endsWith("(grant " + uid + ")");
    }
  }
}
