package io.xaccess.aws;

import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Grant;
import io.xaccess.grant.Secret;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
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
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * The one place AWS clients are made. Credentials and clients are cached per account identity and
 * region (assumed-role credentials refresh themselves before they expire); all clients share one
 * HTTP connection pool, the call counter and a bounded call timeout, and the endpoint comes from
 * the SDK's own {@code AWS_ENDPOINT_URL} setting.
 */
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
    if (!identity.account().equals(account.accountId())) {
      throw new AwsProblem(
          AwsProblem.Kind.TERMINAL,
          "WrongAccount",
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
    String arn = roleArnOf(identity.arn());
    principalArns.put(key, arn);
    return arn;
  }

  /**
   * Opens a session in {@code target}'s region through a chain of roles: from the operator's
   * identity in {@code start} to {@code firstRoleArn}, then to {@code secondRoleArn}. Used by the
   * verifier; the session's clients are closed with it.
   */
  public BucketSession chainedSession(
      Grant.Account start,
      String firstRoleArn,
      String secondRoleArn,
      Optional<Secret> externalId,
      String sessionName,
      Duration duration,
      String targetRegion) {
    Credentials first =
        assume(
            sts(start),
            firstRoleArn,
            Optional.empty(),
            sessionName,
            Duration.ofMinutes(15),
            start.accountId());
    try (StsClient hop =
        configure(
                StsClient.builder(),
                start.region(),
                StaticCredentialsProvider.create(session(first)))
            .build()) {
      Credentials second =
          assume(hop, secondRoleArn, externalId, sessionName, duration, accountOf(secondRoleArn));
      S3Client s3 =
          s3Builder(targetRegion, StaticCredentialsProvider.create(session(second))).build();
      return new BucketSession(s3, accountOf(secondRoleArn), "role " + secondRoleArn, true);
    }
  }

  /** A session of the operator's deployer identity in the account, for its own S3 work. */
  public BucketSession operatorSession(Grant.Account account) {
    return new BucketSession(
        s3(account, account.region()), account.accountId(), describe(account), false);
  }

  /**
   * Schedules deletion of a KMS key the grant created (the minimum 7-day waiting period, so it can
   * still be cancelled) and removes its alias. Only called after its bucket was deleted empty.
   */
  public void scheduleKeyDeletion(Grant.Account account, String keyArn, String aliasName) {
    try {
      KmsClient kms =
          client(
              "kms",
              account,
              account.region(),
              () -> configure(KmsClient.builder(), account.region(), provider(account)).build());
      try {
        kms.deleteAlias(r -> r.aliasName(aliasName));
      } catch (NotFoundException e) {
        // already gone
      }
      kms.scheduleKeyDeletion(r -> r.keyId(keyArn).pendingWindowInDays(7));
    } catch (SdkException e) {
      throw AwsProblems.classify(
          e, "schedule deletion of key " + keyArn, account.accountId(), describe(account));
    }
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

  private Credentials assume(
      StsClient sts,
      String roleArn,
      Optional<Secret> externalId,
      String sessionName,
      Duration duration,
      String accountId) {
    try {
      AssumeRoleRequest.Builder request =
          AssumeRoleRequest.builder()
              .roleArn(roleArn)
              .roleSessionName(sessionName)
              .durationSeconds((int) duration.toSeconds());
      externalId.ifPresent(id -> request.externalId(id.reveal()));
      return sts.assumeRole(request.build()).credentials();
    } catch (SdkException e) {
      throw AwsProblems.classify(e, "assume " + roleArn, accountId, "the verifier");
    }
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
      return StsAssumeRoleCredentialsProvider.builder()
          .stsClient(operatorSts(account.region()))
          .refreshRequest(
              r -> {
                r.roleArn(a.roleArn()).roleSessionName("xaccess-operator");
                a.externalId().ifPresent(id -> r.externalId(id.reveal()));
              })
          .build();
    }
    return operatorIdentity;
  }

  private StsClient operatorSts(String region) {
    return client(
        "sts-operator",
        null,
        region,
        () -> configure(StsClient.builder(), region, operatorIdentity).build());
  }

  /**
   * Identifies an account identity without holding a secret in the key: role and external-id
   * digest, or key id and secret digest.
   */
  private static String credentialKey(Grant.Account account) {
    String identity = "operator";
    if (account.credentials() instanceof Grant.Credentials.AssumeRole a) {
      identity =
          "assume|" + a.roleArn() + "|" + a.externalId().map(s -> digest(s.reveal())).orElse("");
    } else if (account.credentials() instanceof Grant.Credentials.StaticKeys s) {
      identity =
          "static|"
              + digest(
                  s.accessKeyId().reveal()
                      + "|"
                      + s.secretAccessKey().reveal()
                      + "|"
                      + s.sessionToken().map(Secret::reveal).orElse(""));
    }
    return account.accountId() + "|" + identity;
  }

  @SuppressWarnings("unchecked")
  private <C extends AutoCloseable> C client(
      String kind, Grant.Account account, String region, java.util.function.Supplier<C> factory) {
    String key = kind + "|" + (account == null ? "" : credentialKey(account)) + "|" + region;
    return (C) clients.computeIfAbsent(key, k -> factory.get());
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

  private static AwsSessionCredentials session(Credentials c) {
    return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
  }

  /** arn:aws:sts::1:assumed-role/Name/session → arn:aws:iam::1:role/Name; others unchanged. */
  static String roleArnOf(String callerArn) {
    String[] parts = callerArn.split(":", 6);
    if (parts.length == 6 && "sts".equals(parts[2]) && parts[5].startsWith("assumed-role/")) {
      String role = parts[5].split("/")[1];
      return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + role;
    }
    return callerArn;
  }

  private static String accountOf(String arn) {
    return arn.split(":")[4];
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
