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

  /** The uid tag xaccess puts on the buckets and keys its stacks create. */
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
   * A key: its {@value #UID_TAG} tag (when CloudFormation propagated the stack's tags), its
   * description (which names the grant's uid), and whether it is already pending deletion.
   */
  record Key(String keyId, Optional<String> uidTag, String description, boolean pendingDeletion) {

    /** Whether the key carries the grant's uid: in its tag, or, untagged, in its description. */
    public boolean markedFor(String uid) {
      return uidTag.map(uid::equals).orElseGet(() -> description.contains("(grant " + uid + ")"));
    }
  }
}
