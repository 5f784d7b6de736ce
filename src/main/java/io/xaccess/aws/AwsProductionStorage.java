package io.xaccess.aws;

import io.xaccess.grant.Grant;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
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
  public Optional<Key> key(Grant.Account production, String keyId) {
    KmsClient kms = clients.kms(production);
    try {
      KeyMetadata metadata = kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
      return Optional.of(
          new Key(
              keyId,
              metadata.description() == null ? "" : metadata.description(),
              metadata.keyState() == KeyState.PENDING_DELETION));
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw AwsProblems.classify(
          e, "look up key " + keyId, production.accountId(), AwsClients.describe(production));
    }
  }

  @Override
  public void retireKey(Grant.Account production, String keyId, String aliasName) {
    KmsClient kms = clients.kms(production);
    try {
      try {
        // The alias goes only if it still names this key.
        if (keyId.equals(kms.describeKey(r -> r.keyId(aliasName)).keyMetadata().keyId())) {
          kms.deleteAlias(r -> r.aliasName(aliasName));
        }
      } catch (NotFoundException e) {
        // already gone
      }
      kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
    } catch (SdkException e) {
      throw AwsProblems.classify(
          e,
          "schedule deletion of key " + keyId,
          production.accountId(),
          AwsClients.describe(production));
    }
  }
}
