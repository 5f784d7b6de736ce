package io.xaccess.aws;

import io.xaccess.grant.Grant;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
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
  public void deleteBucket(Grant.Account production, String bucket) {
    try (BucketSession s3 = clients.operatorSession(production)) {
      s3.deleteBucket(bucket);
    }
  }

  @Override
  public void retireKey(Grant.Account production, String keyArn, String aliasName) {
    try {
      KmsClient kms = clients.kms(production);
      try {
        kms.deleteAlias(r -> r.aliasName(aliasName));
      } catch (NotFoundException e) {
        // already gone
      }
      kms.scheduleKeyDeletion(r -> r.keyId(keyArn).pendingWindowInDays(7));
    } catch (SdkException e) {
      throw AwsProblems.classify(
          e,
          "schedule deletion of key " + keyArn,
          production.accountId(),
          AwsClients.describe(production));
    }
  }
}
