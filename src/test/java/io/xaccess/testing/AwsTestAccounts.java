package io.xaccess.testing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The two AWS accounts of every test, emulated by one moto server: production {@value #PRODUCTION}
 * and development {@value #DEVELOPMENT}. moto picks the account from the credentials that {@code
 * AssumeRole} returns, so each account's clients are built from such a session.
 */
public final class AwsTestAccounts implements AutoCloseable {

  public static final String PRODUCTION = "111111111111";
  public static final String DEVELOPMENT = "222222222222";

  /** The keys moto accepts for its default account; they hold no secret. */
  public static final AwsBasicCredentials BOOTSTRAP_CREDENTIALS =
      AwsBasicCredentials.create("testing", "testing");

  private final AwsTestAccount production;
  private final AwsTestAccount development;

  private AwsTestAccounts(AwsTestAccount production, AwsTestAccount development) {
    this.production = production;
    this.development = development;
  }

  /** Opens an administrator session in each account of the given moto server. */
  public static AwsTestAccounts open(MotoServer moto) {
    try (StsClient sts =
        StsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(moto.endpoint())
            .credentialsProvider(StaticCredentialsProvider.create(BOOTSTRAP_CREDENTIALS))
            .build()) {
      return new AwsTestAccounts(
          account(sts, PRODUCTION, moto.endpoint()), account(sts, DEVELOPMENT, moto.endpoint()));
    }
  }

  private static AwsTestAccount account(StsClient sts, String accountId, URI endpoint) {
    Credentials session =
        sts.assumeRole(
                r ->
                    r.roleArn("arn:aws:iam::" + accountId + ":role/xaccess-test-admin")
                        .roleSessionName("xaccess-tests"))
            .credentials();
    return new AwsTestAccount(
        accountId,
        AwsSessionCredentials.create(
            session.accessKeyId(), session.secretAccessKey(), session.sessionToken()),
        endpoint);
  }

  public AwsTestAccount production() {
    return production;
  }

  public AwsTestAccount development() {
    return development;
  }

  @Override
  public void close() throws Exception {
    production.close();
    development.close();
  }
}
