package io.xaccess.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * One emulated AWS account: moto keys every resource by the account of the caller's credentials, so
 * these clients see only this account's stacks, roles, buckets and keys.
 */
public final class AwsTestAccount implements AutoCloseable {

  private final String accountId;
  private final AwsSessionCredentials credentials;
  private final URI endpoint;
  private final List<AutoCloseable> clients = new ArrayList<>();

  AwsTestAccount(String accountId, AwsSessionCredentials credentials, URI endpoint) {
    this.accountId = accountId;
    this.credentials = credentials;
    this.endpoint = endpoint;
  }

  public String accountId() {
    return accountId;
  }

  /** Credentials of an administrator session in this account (an assumed role, as moto issues). */
  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(credentials);
  }

  public URI endpoint() {
    return endpoint;
  }

  public CloudFormationClient cloudFormation(Region region) {
    return track(configure(CloudFormationClient.builder(), region).build());
  }

  public S3Client s3(Region region) {
    // Path-style: virtual-hosted bucket names would not resolve to 127.0.0.1.
    return track(configure(S3Client.builder(), region).forcePathStyle(true).build());
  }

  public KmsClient kms(Region region) {
    return track(configure(KmsClient.builder(), region).build());
  }

  public IamClient iam() {
    return track(configure(IamClient.builder(), Region.AWS_GLOBAL).build());
  }

  public StsClient sts(Region region) {
    return track(configure(StsClient.builder(), region).build());
  }

  /** The state of a KMS key (Enabled, PendingDeletion...). */
  public String kmsKeyState(Region region, String keyId) {
    return kms(region).describeKey(r -> r.keyId(keyId)).keyMetadata().keyStateAsString();
  }

  /** The ids of the keys whose description contains the text. */
  public List<String> kmsKeysDescribed(Region region, String text) {
    KmsClient kms = kms(region);
    List<String> ids = new ArrayList<>();
    for (var key : kms.listKeys().keys()) {
      if (kms.describeKey(r -> r.keyId(key.keyId())).keyMetadata().description().contains(text)) {
        ids.add(key.keyId());
      }
    }
    return ids;
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder, Region region) {
    return builder.region(region).endpointOverride(endpoint).credentialsProvider(credentials());
  }

  private synchronized <C extends AutoCloseable> C track(C client) {
    clients.add(client);
    return client;
  }

  @Override
  public synchronized void close() throws Exception {
    for (AutoCloseable client : clients) {
      client.close();
    }
    clients.clear();
  }
}
