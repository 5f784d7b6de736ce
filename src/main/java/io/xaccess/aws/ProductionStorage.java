package io.xaccess.aws;

import io.xaccess.grant.Grant;

/**
 * What a deletion may do to the bucket and key a grant created ({@code bucket.deletionPolicy:
 * Delete}), as the operator's production identity. Never touches an object: S3 itself refuses to
 * delete a bucket that is not empty. Failures are {@link AwsProblem}s.
 */
public interface ProductionStorage {

  boolean bucketExists(Grant.Account production, String bucket);

  /** Whether the bucket holds no object, version or delete marker at all. */
  boolean bucketEmpty(Grant.Account production, String bucket);

  void deleteBucket(Grant.Account production, String bucket);

  /**
   * Schedules deletion of a KMS key (the minimum 7-day waiting period, so it can still be
   * cancelled) and removes its alias; an alias already gone is fine.
   */
  void retireKey(Grant.Account production, String keyArn, String aliasName);
}
