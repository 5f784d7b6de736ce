package io.xaccess.aws;

import io.xaccess.grant.Grant;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** {@link ProductionStorage} on S3 and KMS, with the deployer identity's cached clients. */
@ApplicationScoped
public class AwsProductionStorage implements ProductionStorage {

  private final AwsClients clients;

  public AwsProductionStorage(AwsClients clients) {
    this.clients = clients;
  }

  @Override
  public boolean bucketExists(Grant.Account production, String bucket) {
    try (BucketSession s3 = clients.operatorSession(production)) {
      return s3.exists(bucket);
    }
  }

  @Override
  public boolean bucketEmpty(Grant.Account production, String bucket) {
    try (BucketSession s3 = clients.operatorSession(production)) {
      return s3.isEmpty(bucket);
    }
  }

  @Override
  public Optional<String> bucketUid(Grant.Account production, String bucket) {
    try (BucketSession s3 = clients.operatorSession(production)) {
      return s3.tag(bucket, UID_TAG);
    }
  }

  @Override
  public void deleteBucket(Grant.Account production, String bucket) {
    try (BucketSession s3 = clients.operatorSession(production)) {
      s3.deleteBucket(bucket);
    }
  }

  @Override
  public boolean hasBucketPolicy(Grant.Account production, String bucket) {
    try (BucketSession s3 = clients.operatorSession(production)) {
      return s3.hasPolicy(bucket);
    }
  }

  @Override
  public void putTlsOnlyPolicy(Grant.Account production, String bucket, String partition) {
    String arn = "arn:" + partition + ":s3:::" + bucket;
    String policy =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecureTransport\","
            + "\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\""
            + arn
            + "\",\""
            + arn
            + "/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}";
    try (BucketSession s3 = clients.operatorSession(production)) {
      s3.putPolicy(bucket, policy);
    }
  }

  @Override
  public Optional<Optional<String>> keyUid(Grant.Account production, String keyId) {
    KmsClient kms = clients.kms(production);
    try {
      // ListResourceTags, not DescribeKey: moto 5.2.5 answers DescribeKey of a key CloudFormation
      // made with a codeless 500.
      return Optional.of(
          kms.listResourceTags(r -> r.keyId(keyId)).tags().stream()
              .filter(t -> UID_TAG.equals(t.tagKey()))
              .map(t -> t.tagValue())
              .findFirst());
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw AwsProblems.classify(
          e,
          "read the tags of key " + keyId,
          production.accountId(),
          AwsClients.describe(production));
    }
  }

  @Override
  public void markKey(Grant.Account production, String keyId, String uid) {
    try {
      clients
          .kms(production)
          .tagResource(r -> r.keyId(keyId).tags(t -> t.tagKey(UID_TAG).tagValue(uid)));
    } catch (SdkException e) {
      throw AwsProblems.classify(
          e, "tag key " + keyId, production.accountId(), AwsClients.describe(production));
    }
  }

  @Override
  public void retireKey(Grant.Account production, String keyId, String aliasName) {
    KmsClient kms = clients.kms(production);
    try {
      if (aliasName != null) {
        try {
          kms.deleteAlias(r -> r.aliasName(aliasName));
        } catch (NotFoundException e) {
          // already gone
        }
      }
      try {
        kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
      } catch (KmsInvalidStateException | NotFoundException e) {
        // already pending deletion, or gone: done
      }
    } catch (SdkException e) {
      throw AwsProblems.classify(
          e,
          "schedule deletion of key " + keyId,
          production.accountId(),
          AwsClients.describe(production));
    }
  }
}
