package io.xaccess.api.v1alpha1;

/** What happens to a bucket xaccess created when the grant is deleted. */
public enum BucketDeletionPolicy {
  /** Keep the bucket, its objects and its KMS key. */
  Retain,
  /** Remove the bucket and its key, but only if the bucket is empty; never its objects. */
  Delete
}
