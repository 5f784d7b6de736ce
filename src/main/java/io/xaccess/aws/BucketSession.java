package io.xaccess.aws;

import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 as one identity sees it: the assumed production role (verification) or the operator's deployer
 * identity (removing verification objects, checking a bucket is empty). Failures come out as {@link
 * AwsProblem}s that name the identity. Every request carries {@code ExpectedBucketOwner}: a bucket
 * name that now belongs to another account (deleted and re-registered) is refused by S3, never
 * written to or deleted.
 */
public final class BucketSession implements AutoCloseable {

  private final S3Client s3;
  private final String accountId;
  private final String identity;
  private final boolean ownsClient;

  /** The session's credentials on every request (null: the client's own). */
  private final AwsRequestOverrideConfiguration as;

  BucketSession(S3Client s3, String accountId, String identity, boolean ownsClient) {
    this(s3, accountId, identity, ownsClient, null);
  }

  /**
   * S3 as the session whose credentials {@code session} gives, through a shared client that holds
   * no identity of its own ({@link AwsClients#sessionS3}): every request carries them.
   */
  BucketSession(S3Client s3, String accountId, String identity, AwsCredentialsProvider session) {
    this(
        s3,
        accountId,
        identity,
        false,
        AwsRequestOverrideConfiguration.builder().credentialsProvider(session).build());
  }

  private BucketSession(
      S3Client s3,
      String accountId,
      String identity,
      boolean ownsClient,
      AwsRequestOverrideConfiguration as) {
    this.s3 = s3;
    this.accountId = accountId;
    this.identity = identity;
    this.ownsClient = ownsClient;
    this.as = as;
  }

  /**
   * Writes the object; returns the version S3 gave it (null where the bucket keeps no versions).
   */
  public String put(String bucket, String key, byte[] content) {
    return call(
        "put s3://" + bucket + "/" + key,
        () ->
            s3.putObject(
                    r ->
                        r.overrideConfiguration(as)
                            .bucket(bucket)
                            .expectedBucketOwner(accountId)
                            .key(key),
                    RequestBody.fromBytes(content))
                .versionId());
  }

  public byte[] get(String bucket, String key) {
    return call(
        "get s3://" + bucket + "/" + key,
        () ->
            s3.getObjectAsBytes(
                    r ->
                        r.overrideConfiguration(as)
                            .bucket(bucket)
                            .expectedBucketOwner(accountId)
                            .key(key))
                .asByteArray());
  }

  /** Keys under {@code prefix} (first page). */
  public List<String> list(String bucket, String prefix) {
    return call(
        "list s3://" + bucket + "/" + prefix,
        () ->
            s3
                .listObjectsV2(
                    r ->
                        r.overrideConfiguration(as)
                            .bucket(bucket)
                            .expectedBucketOwner(accountId)
                            .prefix(prefix))
                .contents()
                .stream()
                .map(S3Object::key)
                .toList());
  }

  /**
   * Removes the one version of {@code key} that {@link #put} wrote (its id as put returned it): a
   * version deleted by id is gone for good and leaves no delete marker. Without an id (a bucket
   * that keeps no versions) the key itself is deleted. The operator's own verification object,
   * never anything else; one call.
   */
  public void removeVersion(String bucket, String key, String versionId) {
    call(
        "remove s3://" + bucket + "/" + key,
        () ->
            s3.deleteObject(
                r -> {
                  r.overrideConfiguration(as)
                      .bucket(bucket)
                      .expectedBucketOwner(accountId)
                      .key(key);
                  if (versionId != null) {
                    r.versionId(versionId);
                  }
                }));
  }

  /** Whether the bucket holds no object, version or delete marker at all. */
  public boolean isEmpty(String bucket) {
    return call(
        "check that s3://" + bucket + " is empty",
        () -> {
          ListObjectVersionsResponse page =
              s3.listObjectVersions(
                  r ->
                      r.overrideConfiguration(as)
                          .bucket(bucket)
                          .expectedBucketOwner(accountId)
                          .maxKeys(1));
          return page.versions().isEmpty() && page.deleteMarkers().isEmpty();
        });
  }

  /** Deletes an empty bucket (S3 itself refuses a bucket that is not empty). */
  public void deleteBucket(String bucket) {
    call(
        "delete the empty bucket " + bucket,
        () ->
            s3.deleteBucket(
                r -> r.overrideConfiguration(as).bucket(bucket).expectedBucketOwner(accountId)));
  }

  /** The value of one of the bucket's tags; empty when the bucket has no such tag (or none). */
  public java.util.Optional<String> tag(String bucket, String key) {
    try {
      return s3
          .getBucketTagging(
              r -> r.overrideConfiguration(as).bucket(bucket).expectedBucketOwner(accountId))
          .tagSet()
          .stream()
          .filter(t -> key.equals(t.key()))
          .map(software.amazon.awssdk.services.s3.model.Tag::value)
          .findFirst();
    } catch (SdkException e) {
      if (isCode(e, "NoSuchTagSet") || isCode(e, "NoSuchTagSetError")) {
        return java.util.Optional.empty();
      }
      throw AwsProblems.classify(e, "read the tags of bucket " + bucket, accountId, identity);
    }
  }

  /** Whether the bucket has a bucket policy. */
  public boolean hasPolicy(String bucket) {
    try {
      String policy =
          s3.getBucketPolicy(
                  r -> r.overrideConfiguration(as).bucket(bucket).expectedBucketOwner(accountId))
              .policy();
      return policy != null && !policy.isBlank();
    } catch (SdkException e) {
      if (isCode(e, "NoSuchBucketPolicy")) {
        return false;
      }
      throw AwsProblems.classify(e, "read the policy of bucket " + bucket, accountId, identity);
    }
  }

  /** Sets the bucket's policy. */
  public void putPolicy(String bucket, String policy) {
    call(
        "put the policy of bucket " + bucket,
        () ->
            s3.putBucketPolicy(
                r ->
                    r.overrideConfiguration(as)
                        .bucket(bucket)
                        .expectedBucketOwner(accountId)
                        .policy(policy)));
  }

  private static boolean isCode(SdkException e, String code) {
    return e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s
        && s.awsErrorDetails() != null
        && code.equals(s.awsErrorDetails().errorCode());
  }

  /** Whether the bucket exists (and this identity may see it). */
  public boolean exists(String bucket) {
    try {
      s3.headBucket(r -> r.overrideConfiguration(as).bucket(bucket).expectedBucketOwner(accountId));
      return true;
    } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
      return false;
    } catch (SdkException e) {
      if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s
          && s.statusCode() == 404) {
        return false;
      }
      throw AwsProblems.classify(e, "look up bucket " + bucket, accountId, identity);
    }
  }

  private <T> T call(String what, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (SdkException e) {
      throw AwsProblems.classify(e, what, accountId, identity);
    }
  }

  @Override
  public void close() {
    if (ownsClient) {
      s3.close();
    }
  }
}
