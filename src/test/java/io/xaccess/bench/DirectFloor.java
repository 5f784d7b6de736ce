package io.xaccess.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.cloudformation.GrantStacks;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Grant;
import io.xaccess.grant.GrantProblem;
import io.xaccess.grant.GrantResolver;
import io.xaccess.testing.AwsTestAccounts;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.AlreadyExistsException;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The floor: what one grant costs when done by hand with the AWS SDK in the fewest calls — create
 * the production stack (the operator's template and parameters, from {@link GrantStacks}), wait for
 * it, create the development stack, wait, assume the verifier role and then the production role,
 * put, get and delete an object. Deployer sessions are opened once and clients are shared, as the
 * operator caches them; nothing is written to Kubernetes.
 */
public final class DirectFloor implements AutoCloseable {

  private static final String DEPLOYER = "xaccess-deployer";

  /** The operator's default xaccess.aws.permissions-boundary-name. */
  private static final String BOUNDARY = "xaccess-grant-boundary";

  private static final Duration STACK_POLL = Duration.ofMillis(100);
  private static final Duration STACK_TIMEOUT = Duration.ofMinutes(1);

  private final GrantResolver resolver;
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final SdkHttpClient http = ApacheHttpClient.builder().maxConnections(64).build();
  private final URI endpoint;
  private final CloudFormationClient cfnProd;
  private final CloudFormationClient cfnDev;
  private final StsClient stsDev;
  private final StsClient stsHop;
  private final S3Client s3;

  public DirectFloor(URI endpoint, KubernetesClient kubernetes) {
    this.endpoint = endpoint;
    this.resolver = new GrantResolver(kubernetes, config());
    // The operator's own identity (moto's default account), as OperatorProcess sets it.
    AwsCredentialsProvider operator =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("xaccess-local", "x"));
    try (StsClient sts = build(StsClient.builder(), Region.US_EAST_1, operator)) {
      AwsCredentialsProvider prod = deployer(sts, AwsTestAccounts.PRODUCTION);
      AwsCredentialsProvider dev = deployer(sts, AwsTestAccounts.DEVELOPMENT);
      this.cfnProd =
          build(CloudFormationClient.builder(), Region.of(BenchGrants.PRODUCTION_REGION), prod);
      this.cfnDev =
          build(CloudFormationClient.builder(), Region.of(BenchGrants.DEVELOPMENT_REGION), dev);
      this.stsDev = build(StsClient.builder(), Region.of(BenchGrants.DEVELOPMENT_REGION), dev);
    }
    this.stsHop =
        build(
            StsClient.builder(),
            Region.of(BenchGrants.DEVELOPMENT_REGION),
            AnonymousCredentialsProvider.create());
    this.s3 =
        configure(
                S3Client.builder(),
                Region.of(BenchGrants.PRODUCTION_REGION),
                AnonymousCredentialsProvider.create())
            .forcePathStyle(true)
            .build();
  }

  /** The stack parameters the operator uses for this resource (its own {@link GrantStacks}). */
  public StackRequest productionStack(CrossAccountAccess resource) {
    Grant grant = resolve(resource);
    return GrantStacks.production(
        grant,
        deployerArn(AwsTestAccounts.PRODUCTION),
        GrantStacks.verifierRoleArn(grant, "aws"),
        "aws",
        BOUNDARY);
  }

  /**
   * The parameters CloudFormation holds for a stack the operator created, list parameters in the
   * template's comma-separated form.
   */
  public Map<String, String> deployedParameters(String stackName) {
    Map<String, String> parameters = new TreeMap<>();
    cfnProd
        .describeStacks(r -> r.stackName(stackName))
        .stacks()
        .get(0)
        .parameters()
        .forEach(p -> parameters.put(p.parameterKey(), commaList(p.parameterValue())));
    return parameters;
  }

  /** moto answers a CommaDelimitedList parameter as a Python list ({@code ['a', 'b']}). */
  private static String commaList(String value) {
    if (value == null || !value.startsWith("[") || !value.endsWith("]")) {
      return value;
    }
    return java.util.Arrays.stream(value.substring(1, value.length() - 1).split(", "))
        .map(v -> v.replaceAll("^'|'$", ""))
        .collect(java.util.stream.Collectors.joining(","));
  }

  /** One grant, start to proven access; returns how long it took in ms. */
  public long grant(CrossAccountAccess resource) {
    long start = System.nanoTime();
    Grant grant = resolve(resource);
    String verifierRoleArn = GrantStacks.verifierRoleArn(grant, "aws");
    StackRequest production =
        GrantStacks.production(
            grant, deployerArn(AwsTestAccounts.PRODUCTION), verifierRoleArn, "aws", BOUNDARY);
    create(cfnProd, production);
    Stack prod = awaitComplete(cfnProd, production.stackName());
    String roleArn =
        prod.outputs().stream()
            .filter(o -> o.outputKey().equals("RoleArn"))
            .findFirst()
            .orElseThrow()
            .outputValue();
    StackRequest development =
        GrantStacks.development(
            grant, roleArn, deployerArn(AwsTestAccounts.DEVELOPMENT), "aws", BOUNDARY);
    create(cfnDev, development);
    awaitComplete(cfnDev, development.stackName());

    String session = StackNames.verificationSession(grant.namespace(), grant.name());
    Credentials verifier =
        stsDev
            .assumeRole(
                r -> r.roleArn(verifierRoleArn).roleSessionName(session).durationSeconds(900))
            .credentials();
    Credentials role =
        stsHop
            .assumeRole(
                r ->
                    r.roleArn(roleArn)
                        .roleSessionName(session)
                        .durationSeconds(3600)
                        .overrideConfiguration(o -> o.credentialsProvider(provider(verifier))))
            .credentials();
    AwsCredentialsProvider asRole = provider(role);
    String bucket = grant.bucket().name();
    String key = grant.verificationPrefix() + grant.uid() + "/" + System.currentTimeMillis();
    byte[] content = ("floor " + grant.name()).getBytes(StandardCharsets.UTF_8);
    s3.putObject(
        r -> r.bucket(bucket).key(key).overrideConfiguration(o -> o.credentialsProvider(asRole)),
        RequestBody.fromBytes(content));
    byte[] read =
        s3.getObjectAsBytes(
                r ->
                    r.bucket(bucket)
                        .key(key)
                        .overrideConfiguration(o -> o.credentialsProvider(asRole)))
            .asByteArray();
    if (!java.util.Arrays.equals(read, content)) {
      throw new IllegalStateException("floor: object read back differs for " + grant.name());
    }
    // The same proof as the operator's: where the role may list, the object must be listed.
    if (grant.role().actions().contains("s3:ListBucket")
        && s3
            .listObjectsV2(
                r ->
                    r.bucket(bucket)
                        .prefix(key)
                        .overrideConfiguration(o -> o.credentialsProvider(asRole)))
            .contents()
            .stream()
            .noneMatch(o -> o.key().equals(key))) {
      throw new IllegalStateException("floor: the object was not listed for " + grant.name());
    }
    s3.deleteObject(
        r -> r.bucket(bucket).key(key).overrideConfiguration(o -> o.credentialsProvider(asRole)));
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Calls so far, keyed {@code Service:Operation:outcome}. */
  public Map<String, Long> calls() {
    Map<String, Long> copy = new TreeMap<>();
    calls.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  private Grant resolve(CrossAccountAccess resource) {
    try {
      return resolver.resolve(resource);
    } catch (GrantProblem e) {
      throw new IllegalStateException(e);
    }
  }

  private void create(CloudFormationClient cfn, StackRequest request) {
    try {
      createStack(cfn, request);
    } catch (AlreadyExistsException e) {
      // A retried create that went through the first time (moto can answer 500 and still create),
      // which the operator's gateway tolerates in the same way.
    }
  }

  private void createStack(CloudFormationClient cfn, StackRequest request) {
    cfn.createStack(
        r ->
            r.stackName(request.stackName())
                .templateBody(request.template().body())
                .parameters(
                    request.parameters().entrySet().stream()
                        .map(
                            e ->
                                Parameter.builder()
                                    .parameterKey(e.getKey())
                                    .parameterValue(e.getValue())
                                    .build())
                        .toList())
                .tags(
                    request.tags().entrySet().stream()
                        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                        .toList())
                .capabilities(Capability.CAPABILITY_NAMED_IAM));
  }

  private static Stack awaitComplete(CloudFormationClient cfn, String stackName) {
    long deadline = System.nanoTime() + STACK_TIMEOUT.toNanos();
    while (true) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(stackName + " not complete after " + STACK_TIMEOUT);
      }
      Stack stack = cfn.describeStacks(r -> r.stackName(stackName)).stacks().get(0);
      String status = stack.stackStatusAsString();
      if (status.endsWith("_COMPLETE") && !status.contains("ROLLBACK")) {
        return stack;
      }
      if (status.endsWith("FAILED") || status.contains("ROLLBACK")) {
        throw new IllegalStateException(stackName + " is " + status);
      }
      try {
        Thread.sleep(STACK_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private AwsCredentialsProvider deployer(StsClient sts, String account) {
    return provider(
        sts.assumeRole(r -> r.roleArn(deployerArn(account)).roleSessionName("xaccess-floor"))
            .credentials());
  }

  private static String deployerArn(String account) {
    return "arn:aws:iam::" + account + ":role/" + DEPLOYER;
  }

  private static AwsCredentialsProvider provider(Credentials c) {
    return StaticCredentialsProvider.create(
        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
  }

  private <C, B extends AwsClientBuilder<B, C>> C build(
      B builder, Region region, AwsCredentialsProvider credentials) {
    return configure(builder, region, credentials).build();
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(
      B builder, Region region, AwsCredentialsProvider credentials) {
    builder
        .region(region)
        .endpointOverride(endpoint)
        .credentialsProvider(credentials)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder().addExecutionInterceptor(new Counter()).build());
    ((software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?>) builder)
        .httpClient(http);
    return builder;
  }

  /** Counts calls by service, operation and outcome, as the operator's AwsCallCounter does. */
  private final class Counter implements ExecutionInterceptor {
    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      count(attributes, "success");
    }

    @Override
    public void onExecutionFailure(
        Context.FailedExecution context, ExecutionAttributes attributes) {
      count(attributes, "failure");
    }

    private void count(ExecutionAttributes attributes, String outcome) {
      calls
          .computeIfAbsent(
              attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
                  + ":"
                  + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)
                  + ":"
                  + outcome,
              k -> new LongAdder())
          .increment();
    }
  }

  /**
   * The settings {@link GrantResolver} reads, as the bench's operator has them: both accounts
   * through the deployer role, partition aws.
   */
  private static XaccessConfig config() {
    Map<String, Object> aws = new LinkedHashMap<>();
    aws.put("deployerRoleName", Optional.of(DEPLOYER));
    aws.put("partition", "aws");
    aws.put("s3PathStyle", true);
    Object awsConfig =
        Proxy.newProxyInstance(
            XaccessConfig.class.getClassLoader(),
            new Class<?>[] {XaccessConfig.Aws.class},
            (proxy, method, args) -> answer(aws, method));
    Map<String, Object> root = Map.of("aws", awsConfig);
    return (XaccessConfig)
        Proxy.newProxyInstance(
            XaccessConfig.class.getClassLoader(),
            new Class<?>[] {XaccessConfig.class},
            (proxy, method, args) -> answer(root, method));
  }

  private static Object answer(Map<String, Object> values, java.lang.reflect.Method method) {
    if (values.containsKey(method.getName())) {
      return values.get(method.getName());
    }
    if (method.getName().equals("toString")) {
      return "bench XaccessConfig";
    }
    throw new UnsupportedOperationException("bench config has no " + method.getName());
  }

  @Override
  public void close() {
    cfnProd.close();
    cfnDev.close();
    stsDev.close();
    stsHop.close();
    s3.close();
    http.close();
  }
}
