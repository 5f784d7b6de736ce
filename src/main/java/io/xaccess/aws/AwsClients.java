package io.xaccess.aws;

import io.quarkus.runtime.Startup;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Arns;
import io.xaccess.grant.Grant;
import io.xaccess.grant.SecretValue;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * The one place AWS clients are made. Credentials and clients are cached per account identity and
 * region — for a deployer role also per namespace, since its sessions are tagged with the grant's
 * namespace ({@link DeployerSessionTags}); assumed-role credentials refresh themselves before they
 * expire. All clients share one HTTP connection pool, the call counter and a bounded call timeout,
 * and the endpoint comes from the SDK's own {@code AWS_ENDPOINT_URL} setting.
 */
@Startup // so that a cluster name AWS would refuse as a tag stops the operator at startup
@ApplicationScoped
public class AwsClients {

  private final XaccessConfig config;
  private final AwsCallCounter counter;
  private final SdkHttpClient http = ApacheHttpClient.builder().maxConnections(64).build();
  private final AwsCredentialsProvider operatorIdentity =
      DefaultCredentialsProvider.builder().build();
  private final Map<String, AwsCredentialsProvider> credentials = new ConcurrentHashMap<>();
  private final Map<String, AutoCloseable> clients = new ConcurrentHashMap<>();
  private final Map<String, String> principalArns = new ConcurrentHashMap<>();

  public AwsClients(XaccessConfig config, AwsCallCounter counter) {
    DeployerSessionTags.checkClusterName(config.clusterName());
    this.config = config;
    this.counter = counter;
  }

  /** CloudFormation in the account's own region, as the account's deployer identity. */
  public CloudFormationClient cloudFormation(Grant.Account account) {
    return client(
        "cfn",
        account,
        account.region(),
        () ->
            configure(CloudFormationClient.builder(), account.region(), provider(account)).build());
  }

  /** S3 in {@code region}, as the account's deployer identity. */
  S3Client s3(Grant.Account account, String region) {
    return client("s3", account, region, () -> s3Builder(region, provider(account)).build());
  }

  /** STS in the account's region, as the account's deployer identity. */
  StsClient sts(Grant.Account account) {
    return client(
        "sts",
        account,
        account.region(),
        () -> configure(StsClient.builder(), account.region(), provider(account)).build());
  }

  /**
   * The ARN the operator acts as in this account (a role ARN for assumed roles), which the
   * templates trust and exempt. For the operator's own identity this is one cached
   * GetCallerIdentity, which also proves the identity belongs to the declared account.
   */
  public String principalArn(Grant.Account account) {
    if (account.credentials() instanceof Grant.Credentials.AssumeRole assume) {
      return assume.roleArn();
    }
    String key = credentialKey(account);
    String cached = principalArns.get(key);
    if (cached != null) {
      return cached;
    }
    GetCallerIdentityResponse identity;
    try {
      identity = sts(account).getCallerIdentity();
    } catch (SdkException e) {
      throw AwsProblems.classify(
          e, "identify the operator", account.accountId(), describe(account));
    }
    if (identity.account() == null || identity.arn() == null) {
      throw new AwsProblem(
          AwsProblem.Kind.RECOVERABLE,
          Reason.AwsUnavailable,
          "AWS answered GetCallerIdentity for account "
              + account.accountId()
              + " without an identity; retrying",
          null);
    }
    if (!identity.account().equals(account.accountId())) {
      throw new AwsProblem(
          AwsProblem.Kind.TERMINAL,
          Reason.WrongAccount,
          describe(account)
              + " ("
              + identity.arn()
              + ") belongs to account "
              + identity.account()
              + ", not "
              + account.accountId()
              + ": give this account credentials of its own (credentials.roleArn, or"
              + " xaccess.aws.deployer-role-name)",
          null);
    }
    String arn = Arns.roleOfCaller(identity.arn());
    principalArns.put(key, arn);
    return arn;
  }

  /** A session of the operator's deployer identity in the account, for its own S3 work. */
  public BucketSession operatorSession(Grant.Account account) {
    return new BucketSession(
        s3(account, account.region()), account.accountId(), describe(account), false);
  }

  /**
   * IAM, as the account's deployer identity: a global service, signed for its partition's global
   * region (the SDK resolves the endpoint; AWS_ENDPOINT_URL overrides it as for every client).
   */
  IamClient iam(Grant.Account account) {
    Region global =
        switch (config.aws().partition()) {
          case "aws-cn" -> Region.AWS_CN_GLOBAL;
          case "aws-us-gov" -> Region.AWS_US_GOV_GLOBAL;
          default -> Region.AWS_GLOBAL;
        };
    return client(
        "iam",
        account,
        global.id(),
        () -> configure(IamClient.builder(), global.id(), provider(account)).build());
  }

  /** KMS in the account's region, as the account's deployer identity. */
  KmsClient kms(Grant.Account account) {
    return client(
        "kms",
        account,
        account.region(),
        () -> configure(KmsClient.builder(), account.region(), provider(account)).build());
  }

  /**
   * What a session client's own credentials do: refuse. Role-chain hops and the verifier's S3 calls
   * go through one cached client per region that holds no identity; each request carries its
   * session's credentials ({@code overrideConfiguration}), so no client is built per verification
   * and a request that forgot its credentials fails instead of going out as someone else.
   */
  private static final AwsCredentialsProvider SESSION_ONLY =
      () -> {
        throw software.amazon.awssdk.core.exception.SdkClientException.create(
            "a session client sends only requests that carry their own credentials");
      };

  /** STS in {@code region} for role-chain hops: each request carries its session's credentials. */
  StsClient sessionSts(String region) {
    return client(
        "sts-session",
        null,
        region,
        () -> configure(StsClient.builder(), region, SESSION_ONLY).build());
  }

  /** S3 in {@code region} for assumed sessions: each request carries its session's credentials. */
  S3Client sessionS3(String region) {
    return client("s3-session", null, region, () -> s3Builder(region, SESSION_ONLY).build());
  }

  /** A human-readable name of how the operator reaches the account; never a secret. */
  public static String describe(Grant.Account account) {
    if (account.credentials() instanceof Grant.Credentials.AssumeRole a) {
      return "deployer role " + a.roleArn();
    }
    if (account.credentials() instanceof Grant.Credentials.StaticKeys) {
      return "static keys from a Secret";
    }
    return "the operator's own identity";
  }

  private AwsCredentialsProvider provider(Grant.Account account) {
    return credentials.computeIfAbsent(credentialKey(account), key -> newProvider(account));
  }

  private AwsCredentialsProvider newProvider(Grant.Account account) {
    if (account.credentials() instanceof Grant.Credentials.StaticKeys s) {
      return StaticCredentialsProvider.create(
          s.sessionToken().isPresent()
              ? AwsSessionCredentials.create(
                  s.accessKeyId().reveal(),
                  s.secretAccessKey().reveal(),
                  s.sessionToken().get().reveal())
              : AwsBasicCredentials.create(s.accessKeyId().reveal(), s.secretAccessKey().reveal()));
    }
    if (account.credentials() instanceof Grant.Credentials.AssumeRole a) {
      // Not transitive (no TransitiveTagKeys): the verifier's hops from this session carry no
      // tags, and their trust policies need no sts:TagSession. No SourceIdentity either: it would
      // stick to every later hop (each trust would need sts:SetSourceIdentity) and cannot be set
      // when the operator's own session already carries one.
      List<Tag> tags = DeployerSessionTags.of(config.clusterName(), a.namespace());
      return new AnsweredCredentials(
          StsAssumeRoleCredentialsProvider.builder()
              .stsClient(operatorSts(account.region()))
              .refreshRequest(
                  r -> {
                    r.roleArn(a.roleArn()).roleSessionName("xaccess-operator").tags(tags);
                    a.externalId().ifPresent(id -> r.externalId(id.reveal()));
                  })
              .build());
    }
    return operatorIdentity;
  }

  /**
   * A deployer session's credentials, with an AssumeRole answer that holds none (an empty 200 from
   * a proxy or a broken endpoint) reported as an unreadable AWS answer: the SDK's provider reads
   * the credentials without a check and throws a NullPointerException, which would pass for a bug
   * in the operator instead of a passing AWS problem to retry.
   */
  private record AnsweredCredentials(StsAssumeRoleCredentialsProvider sts)
      implements AwsCredentialsProvider, AutoCloseable {
    @Override
    public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
      try {
        return sts.resolveCredentials();
      } catch (NullPointerException noCredentials) {
        throw software.amazon.awssdk.core.exception.SdkClientException.create(
            "AWS STS answered AssumeRole without credentials", noCredentials);
      }
    }

    @Override
    public void close() {
      sts.close();
    }
  }

  private StsClient operatorSts(String region) {
    return client(
        "sts-operator",
        null,
        region,
        () -> configure(StsClient.builder(), region, operatorIdentity).build());
  }

  /**
   * Identifies an account identity without holding a secret in the key: role, external-id digest
   * and the namespace its sessions are tagged with, or key id and secret digest.
   */
  private static String credentialKey(Grant.Account account) {
    String identity = "operator";
    if (account.credentials() instanceof Grant.Credentials.AssumeRole a) {
      identity =
          "assume|"
              + a.roleArn()
              + "|"
              + a.externalId().map(s -> digest(s.reveal())).orElse("")
              + "|"
              + a.namespace();
    } else if (account.credentials() instanceof Grant.Credentials.StaticKeys s) {
      identity =
          "static|"
              + digest(
                  s.accessKeyId().reveal()
                      + "|"
                      + s.secretAccessKey().reveal()
                      + "|"
                      + s.sessionToken().map(SecretValue::reveal).orElse(""));
    }
    return account.accountId() + "|" + identity;
  }

  /**
   * The cached client, made on first use. Not {@code computeIfAbsent}: making a deployer-role
   * client makes (and caches) the operator's own STS client on the way, and a ConcurrentHashMap
   * refuses an update of itself from inside its own computation ("Recursive update") whenever the
   * two keys share a bin. Two threads may both make one; the loser's is closed.
   */
  @SuppressWarnings("unchecked")
  private <C extends AutoCloseable> C client(
      String kind, Grant.Account account, String region, java.util.function.Supplier<C> factory) {
    String key = kind + "|" + (account == null ? "" : credentialKey(account)) + "|" + region;
    AutoCloseable cached = clients.get(key);
    if (cached != null) {
      return (C) cached;
    }
    C made = factory.get();
    AutoCloseable raced = clients.putIfAbsent(key, made);
    if (raced != null) {
      closeQuietly(made);
      return (C) raced;
    }
    return made;
  }

  private S3ClientBuilder s3Builder(String region, AwsCredentialsProvider provider) {
    return configure(S3Client.builder(), region, provider)
        .forcePathStyle(config.aws().s3PathStyle());
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(
      B builder, String region, AwsCredentialsProvider provider) {
    builder
        .region(Region.of(region))
        .credentialsProvider(provider)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .apiCallTimeout(config.aws().apiCallTimeout())
                .addExecutionInterceptor(counter)
                .build());
    if (builder
        instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
      sync.httpClient(http);
    }
    return builder;
  }

  private static String digest(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @PreDestroy
  void close() {
    clients.values().forEach(AwsClients::closeQuietly);
    credentials.values().forEach(AwsClients::closeQuietly);
    http.close();
  }

  private static void closeQuietly(Object o) {
    if (o instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // shutting down
      }
    }
  }
}
