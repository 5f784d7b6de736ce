package io.xaccess.faults;

import static io.xaccess.testing.Grants.isTrue;
import static io.xaccess.testing.Grants.message;
import static io.xaccess.testing.Grants.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.TrustSpec;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.testing.AwsFaultProxy;
import io.xaccess.testing.AwsFaultProxy.Answer;
import io.xaccess.testing.AwsFaultProxy.Fault;
import io.xaccess.testing.AwsFaultProxy.Rewrite;
import io.xaccess.testing.AwsTestAccounts;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.TcpProxy;
import io.xaccess.testing.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.StackSummary;

/**
 * Whatever fails, grants converge and nothing is duplicated, orphaned or lost: the packaged
 * operator (its own process) against a real API server and moto, with a fault proxy in front of AWS
 * (throttling, 5xx, dropped connections, latency, stack states moto never reaches), SIGKILLs at
 * random points, deletes in the middle of a rollout, a deployer role that stops working, and API
 * server connections cut. Each scenario adds a row to {@code target/faults/report.md}: grants,
 * faults injected, converged, duplicates, orphans, objects lost.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {

  private static final Duration CONVERGE = Duration.ofMinutes(6);
  private static final int USER_OBJECTS = 3;

  private static TestCluster cluster;
  private static LocalKubeApiServer kube;
  private static AwsFaultProxy proxy;
  private static AwsTestAccounts aws;
  private static KubernetesClient client;
  private static final List<String> report = new ArrayList<>();

  /** The grants this suite created, by namespace: what to look for in AWS afterwards. */
  private static final Map<String, Set<String>> created =
      new java.util.concurrent.ConcurrentHashMap<>();

  private OperatorProcess operator;
  private Path log;

  @BeforeAll
  static void start() {
    // Its own cluster: the suite cuts the API server's connections and faults every AWS call.
    cluster = TestCluster.start();
    kube = cluster.kube();
    proxy = cluster.proxy();
    aws = AwsTestAccounts.open(cluster.moto());
    client = cluster.client();
  }

  @AfterAll
  static void stop() throws Exception {
    Path out = Path.of("target", "faults");
    Files.createDirectories(out);
    List<String> lines = new ArrayList<>();
    lines.add(
        "| scenario | grants | faults injected | converged | duplicates | orphans | objects lost |");
    lines.add("| --- | --- | --- | --- | --- | --- | --- |");
    lines.addAll(report);
    Files.write(out.resolve("report.md"), lines);
    System.out.println(String.join("\n", lines));
    aws.close();
    cluster.close();
  }

  @AfterEach
  void stopOperator() throws IOException {
    proxy.clearFaults();
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  // 1. A quarter of all AWS calls fail or stall, over 20 grants' creation and deletion.
  @Test
  @Order(1)
  void throttlingErrorsResetsAndLatencyOnAQuarterOfCalls() throws Exception {
    String ns = namespace("chaos");
    int grants = 20;
    startOperator(Map.of());
    long before = proxy.requests();
    proxy.chaos(0.25);
    for (int i = 0; i < grants; i++) {
      create(ns, "g" + i);
    }
    grants().awaitAll(ns, grants, g -> isTrue(g, "Ready"));
    int duplicates = duplicates(ns, grants);
    // The inventory sees what the grants made, so "none left" after deletion means something.
    assertThat(grantRoles(ns)).isEqualTo(grants);
    assertThat(verifierRoles(ns)).isEqualTo(grants);
    long objects = putUserData(ns, grants);

    deleteAll(ns);
    grants().awaitNoneLeft(ns);
    proxy.chaos(0);
    long requests = proxy.requests() - before;
    long injected = proxy.injected().values().stream().mapToLong(Long::longValue).sum();
    Map<String, Double> metrics = metrics();
    double calls = sum(metrics, "xaccess_aws_calls_total");
    double failed = sumWhere(metrics, "xaccess_aws_calls_total", "outcome=\"failure\"");
    double attempts = sum(metrics, "xaccess_aws_attempts_total");
    System.out.printf(
        "chaos: %d requests, %d faults injected %s; operator: %.0f calls (%.0f failed after the"
            + " SDK's retries), %.0f HTTP attempts (%.0f SDK retries); %.1f calls per grant%n",
        requests,
        injected,
        proxy.injected(),
        calls,
        failed,
        attempts,
        attempts - calls,
        calls / grants);

    assertThat((double) injected / requests).as("share of calls faulted").isGreaterThan(0.2);
    assertThat(attempts - calls).as("SDK retries, visible in metrics").isPositive();
    assertThat(failed).as("failed calls the operator retried, visible in metrics").isPositive();
    assertThat(calls / grants).as("calls per grant stay bounded").isLessThan(150);
    assertThat(duplicates).isZero();
    int orphans = orphans(ns, grants);
    assertThat(orphans).isZero();
    long lost = objects - countUserData(ns, grants);
    assertThat(lost).isZero();
    row(
        "AWS faults (25% of calls)",
        grants, injected + " of " + requests + " calls", grants, duplicates, orphans, lost);
  }

  // 1b. Answers that are not AWS's at all on a fifth of all calls, through creation, an update
  //     of every grant and deletion.
  @Test
  @Order(2)
  void garbageAnswersOnAFifthOfCallsThroughCreationUpdateAndDeletion() throws Exception {
    String ns = namespace("garbage");
    int grants = 10;
    startOperator(Map.of());
    long before = proxy.requests();
    Map<AwsFaultProxy.ChaosKind, Long> injectedBefore = proxy.injected();
    proxy.chaos(0.2, AwsFaultProxy.ChaosKind.GARBAGE);
    for (int i = 0; i < grants; i++) {
      create(ns, "g" + i);
    }
    grants().awaitAll(ns, grants, g -> isTrue(g, "Ready"));
    for (int i = 0; i < grants; i++) {
      CrossAccountAccess grant = get(ns, "g" + i);
      grant.getSpec().setTrust(new io.xaccess.api.v1alpha1.TrustSpec());
      grant.getSpec().getTrust().setRegions(List.of("us-east-1", "ap-southeast-2"));
      client.resource(grant).update();
    }
    grants()
        .awaitAll(
            ns,
            grants,
            g ->
                Grants.observed(g, g.getMetadata().getGeneration())
                    && g.getMetadata().getGeneration() == 2
                    && isTrue(g, "Ready"));
    int duplicates = duplicates(ns, grants);
    long objects = putUserData(ns, grants);
    deleteAll(ns);
    grants().awaitNoneLeft(ns);
    proxy.chaos(0);

    long requests = proxy.requests() - before;
    Map<AwsFaultProxy.ChaosKind, Long> kinds =
        new java.util.EnumMap<>(AwsFaultProxy.ChaosKind.class);
    proxy.injected().forEach((k, v) -> kinds.put(k, v - injectedBefore.getOrDefault(k, 0L)));
    kinds.keySet().retainAll(AwsFaultProxy.ChaosKind.GARBAGE);
    long injected = kinds.values().stream().mapToLong(Long::longValue).sum();
    String logs = operatorLogs();
    long programmingErrors = programmingErrors(logs);
    System.out.printf(
        "garbage: %d requests, %d garbage answers %s; programming errors in the log: %d%n",
        requests, injected, kinds, programmingErrors);

    assertThat((double) injected / requests).as("share of calls garbled").isGreaterThan(0.15);
    assertThat(kinds.values()).as("every kind of garbage was given").allMatch(n -> n > 0);
    assertThat(programmingErrors).as("unexpected exceptions in the operator log").isZero();
    assertThat(duplicates).isZero();
    int orphans = orphans(ns, grants);
    assertThat(orphans).isZero();
    long lost = objects - countUserData(ns, grants);
    assertThat(lost).isZero();
    row(
        "garbage answers (20% of calls: HTML 502 without a code, truncated XML, empty 200, JSON"
            + " for XML, reset mid-body) — creation, an update of every grant, deletion",
        grants,
        injected + " of " + requests + " calls " + kinds,
        grants,
        duplicates,
        orphans,
        lost);
  }

  /** Exceptions that only a bug throws, anywhere in a log. */
  static long programmingErrors(String log) {
    return java.util.regex.Pattern.compile(
            "(NullPointerException|IllegalStateException|ClassCastException"
                + "|IndexOutOfBoundsException|ArrayIndexOutOfBoundsException)")
        .matcher(log)
        .results()
        .count();
  }

  private String operatorLogs() throws IOException {
    StringBuilder logs = new StringBuilder();
    for (Path segment : segments) {
      logs.append(Files.readString(segment));
    }
    return logs.toString();
  }

  // 2. SIGKILL at random points of creation and of deletion, restarting each time.
  @Test
  @Order(3)
  void killedAtRandomPointsOfCreationAndDeletion() throws Exception {
    String ns = namespace("crash");
    int grants = 12;
    Random random = new Random(7);
    List<String> killedAt = new ArrayList<>();
    int kills = 0;
    // Creation: each round adds two grants, lets the new leader work 0-3 s, then kills it.
    for (int round = 0; round < 6; round++) {
      create(ns, "g" + (2 * round));
      create(ns, "g" + (2 * round + 1));
      startOperator(Map.of());
      awaitLeading();
      Thread.sleep(random.nextInt(3000));
      operator.kill();
      kills++;
      killedAt.add(grants().count(ns, g -> isTrue(g, "Ready")) + "/" + (2 * round + 2) + " ready");
    }
    startOperator(Map.of());
    grants().awaitAll(ns, grants, g -> isTrue(g, "Ready"));
    int duplicates = duplicates(ns, grants);
    long objects = putUserData(ns, grants);
    operator.close();

    // Deletion: each round deletes three grants, lets the new leader work 0-3 s, then kills it.
    for (int round = 0; round < 4; round++) {
      for (int i = 3 * round; i < 3 * round + 3; i++) {
        client.resources(CrossAccountAccess.class).inNamespace(ns).withName("g" + i).delete();
      }
      startOperator(Map.of());
      awaitLeading();
      Thread.sleep(random.nextInt(3000));
      operator.kill();
      kills++;
      killedAt.add(
          client.resources(CrossAccountAccess.class).inNamespace(ns).list().getItems().size()
              + " left, "
              + (3 * round + 3)
              + " deletions asked");
    }
    startOperator(Map.of());
    grants().awaitNoneLeft(ns);
    System.out.println("crash: killed " + kills + " times, at " + killedAt);

    assertThat(kills).isGreaterThanOrEqualTo(10);
    assertThat(duplicates).isZero();
    int orphans = orphans(ns, grants);
    assertThat(orphans).isZero();
    long lost = objects - countUserData(ns, grants);
    assertThat(lost).isZero();
    row(
        "operator SIGKILLed (create and delete)",
        grants,
        kills + " kills",
        grants,
        duplicates,
        orphans,
        lost);
  }

  // 3. Deleting grants whose production or development stack is still in progress.
  @Test
  @Order(4)
  void deletingWhileStacksAreInProgressCleansUpBothAccounts() throws Exception {
    String ns = namespace("midway");
    startOperator(Map.of());
    String prodStack = StackNames.production(ns, "prod-busy");
    String devStack = StackNames.development(ns, "dev-busy");
    Rewrite prodBusy = inProgress(prodStack, "CREATE_COMPLETE", "CREATE_IN_PROGRESS");
    Rewrite devBusy = inProgress(devStack, "CREATE_COMPLETE", "CREATE_IN_PROGRESS");
    proxy.rewrite(prodBusy);
    proxy.rewrite(devBusy);
    create(ns, "prod-busy");
    create(ns, "dev-busy");
    grants().await(ns, "prod-busy", g -> reason(g, "ProductionStackReady").equals("InProgress"));
    grants().await(ns, "dev-busy", g -> reason(g, "DevelopmentStackReady").equals("InProgress"));

    List<String> midwayBuckets = List.of(bucket(ns, "prod-busy"), bucket(ns, "dev-busy"));
    long objects = putUserData(ns, List.of("prod-busy", "dev-busy"), midwayBuckets);
    deleteAll(ns);
    // A stack still being created is not waited for: CloudFormation stops a create it is asked
    // to delete, so both grants go while the proxy still shows their stacks in progress.
    grants().awaitNoneLeft(ns);
    assertThat(stackExists(true, prodStack)).isFalse();
    assertThat(stackExists(false, devStack)).isFalse();
    proxy.remove(prodBusy);
    proxy.remove(devBusy);

    int orphans = orphans(ns, 2);
    assertThat(orphans).isZero();
    long lost = objects - countUserData(midwayBuckets);
    assertThat(lost).isZero();
    row("deleted while stacks in progress", 2, "2 stacks held in progress", 2, 0, orphans, lost);
  }

  // 4. Stack failures AWS reports and moto never reaches: a failed create (ROLLBACK_COMPLETE) and
  //    a failed update rollback (UPDATE_ROLLBACK_FAILED).
  @Test
  @Order(5)
  void failedStacksStallWithTheRealReasonAndRecover() throws Exception {
    String ns = namespace("failing");
    startOperator(Map.of());

    // A principal that does not exist: AWS refuses the role's trust policy and rolls the create
    // back (moto accepts it, so the proxy reports what AWS would).
    String stack = StackNames.production(ns, "ghost");
    String ghost = "arn:aws:iam::222222222222:role/ghost-runner";
    Rewrite rolledBack = inProgress(stack, "CREATE_COMPLETE", "ROLLBACK_COMPLETE");
    Rewrite failureEvent =
        new Rewrite(
            r -> "DescribeStackEvents".equals(r.form().get("Action")),
            body ->
                body.replaceFirst(
                    "<StackEvents>",
                    "<StackEvents>"
                        + failedEvent(
                            stack,
                            "Role",
                            "Invalid principal in policy: &quot;AWS&quot;:&quot;"
                                + ghost
                                + "&quot; (Service: Iam, Status Code: 400)")));
    proxy.rewrite(rolledBack);
    proxy.rewrite(failureEvent);
    create(ns, "ghost", "    principals: [" + ghost + "]\n");
    CrossAccountAccess stalled = grants().awaitCondition(ns, "ghost", "Stalled", "True");
    assertThat(reason(stalled, "Stalled")).isEqualTo("CreateFailed");
    assertThat(message(stalled, "Stalled")).contains("Role: Invalid principal").contains(ghost);
    await() // the rolled-back stack is deleted
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !stackExists(true, stack));
    // What the rolled-back create retained (moto created it for real; AWS retains a Retain
    // resource on rollback too): the operator removed the empty bucket and retired the key the
    // failed stack itself created, so nothing blocks the next create. Read from moto directly.
    String ghostBucket = bucket(ns, "ghost");
    assertThat(
            aws.production().s3(Region.AP_SOUTHEAST_2).listBuckets().buckets().stream()
                .map(b -> b.name()))
        .as("the failed create's empty bucket is gone")
        .doesNotContain(ghostBucket);
    List<String> ghostKeys =
        aws.production().kmsKeysDescribed(Region.AP_SOUTHEAST_2, "bucket " + ghostBucket + " ");
    assertThat(ghostKeys).hasSize(1);
    assertThat(aws.production().kmsKeyState(Region.AP_SOUTHEAST_2, ghostKeys.get(0)))
        .as("the failed create's key is scheduled for deletion")
        .isEqualTo("PendingDeletion");
    long creates = proxy.counts().getOrDefault("CreateStack", 0L);
    Thread.sleep(6000);
    assertThat(proxy.counts().getOrDefault("CreateStack", 0L))
        .as("no create retried in a loop while the configuration is unchanged")
        .isEqualTo(creates);
    proxy.remove(rolledBack);
    proxy.remove(failureEvent);
    CrossAccountAccess fix = get(ns, "ghost");
    fix.getSpec().getDevelopment().setPrincipals(null);
    client.resource(fix).update();
    grants().awaitReady(ns, "ghost");

    // An update whose rollback fails: ContinueUpdateRollback (moto lacks the API) recovers it.
    create(ns, "rollback");
    grants().awaitReady(ns, "rollback");
    String updated = StackNames.production(ns, "rollback");
    AtomicBoolean continued = new AtomicBoolean();
    Rewrite rollbackFailed =
        new Rewrite(
            r ->
                "DescribeStacks".equals(r.form().get("Action"))
                    && updated.equals(r.form().get("StackName")),
            body ->
                body.replace(
                    "UPDATE_COMPLETE",
                    continued.get() ? "UPDATE_ROLLBACK_COMPLETE" : "UPDATE_ROLLBACK_FAILED"));
    Answer continueRollback =
        new Answer(
            r -> {
              boolean match =
                  "ContinueUpdateRollback".equals(r.form().get("Action"))
                      && updated.equals(r.form().get("StackName"));
              if (match) {
                continued.set(true);
              }
              return match;
            },
            200,
            "<ContinueUpdateRollbackResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">"
                + "<ContinueUpdateRollbackResult/><ResponseMetadata><RequestId>xaccess-fault</RequestId>"
                + "</ResponseMetadata></ContinueUpdateRollbackResponse>");
    proxy.rewrite(rollbackFailed);
    proxy.answer(continueRollback);
    CrossAccountAccess grant = get(ns, "rollback");
    grant.getSpec().setTrust(new TrustSpec());
    grant.getSpec().getTrust().setRegions(List.of("us-east-1", "eu-west-1"));
    client.resource(grant).update();
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).until(continued::get);
    CrossAccountAccess rolled =
        grants()
            .await(ns, "rollback", g -> reason(g, "ProductionStackReady").equals("UpdateFailed"));
    assertThat(isTrue(rolled, "Stalled")).isTrue();
    proxy.remove(rollbackFailed);
    proxy.remove(continueRollback);
    grant = get(ns, "rollback");
    grant.getSpec().getTrust().setRegions(List.of("us-east-1", "eu-west-2"));
    long generation = client.resource(grant).update().getMetadata().getGeneration();
    grants().awaitReady(ns, "rollback", generation);

    long objects =
        putUserData(
            ns, List.of("ghost", "rollback"), List.of(bucket(ns, "ghost"), bucket(ns, "rollback")));
    deleteAll(ns);
    grants().awaitNoneLeft(ns);
    int orphans = orphans(ns, 2);
    assertThat(orphans).isZero();
    long lost = objects - countUserData(List.of(bucket(ns, "ghost"), bucket(ns, "rollback")));
    assertThat(lost).isZero();
    row(
        "stack failures (ROLLBACK_COMPLETE, UPDATE_ROLLBACK_FAILED)",
        2,
        "2 failed stacks",
        2,
        0,
        orphans,
        lost);
  }

  // 5. The deployer role stops working: a clear Stalled reason; the documented release frees the
  //    grant.
  @Test
  @Order(6)
  void credentialsGoneStallClearlyAndTheFinalizerCanBeReleased() throws Exception {
    String ns = namespace("creds");
    startOperator(Map.of());
    create(ns, "lost");
    grants().awaitReady(ns, "lost");
    long objects = putUserData(ns, List.of("lost"), List.of(bucket(ns, "lost")));
    operator.close();

    // The production deployer role is deleted: AssumeRole is refused as AWS refuses it.
    proxy.add(
        new Fault(
            r ->
                "AssumeRole".equals(r.form().get("Action"))
                    && "arn:aws:iam::111111111111:role/xaccess-deployer"
                        .equals(r.form().get("RoleArn")),
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/operator is not authorized to perform:"
                + " sts:AssumeRole on resource: arn:aws:iam::111111111111:role/xaccess-deployer"));
    startOperator(Map.of());
    client.resources(CrossAccountAccess.class).inNamespace(ns).withName("lost").delete();
    CrossAccountAccess stuck = grants().awaitCondition(ns, "lost", "Stalled", "True");
    assertThat(reason(stuck, "Stalled")).isEqualTo("AssumeRoleDenied");
    assertThat(message(stuck, "Stalled")).contains("111111111111").contains("xaccess-deployer");
    assertThat(stuck.getMetadata().getFinalizers()).contains("xaccess.io/finalizer");

    CrossAccountAccess release = get(ns, "lost");
    release.getMetadata().getAnnotations().put("xaccess.io/release-finalizer", "true");
    client.resource(release).update();
    grants().awaitNoneLeft(ns);
    // Released on request: the operator leaves the AWS resources it could not reach.
    assertThat(stackExists(true, StackNames.production(ns, "lost"))).isTrue();
    long lost = objects - countUserData(List.of(bucket(ns, "lost")));
    assertThat(lost).isZero();
    row("deployer role gone, finalizer released", 1, "AssumeRole denied", 1, 0, 0, lost);
  }

  // 7. The API server's connections are cut for 15 s mid-run.
  @Test
  @Order(7)
  void apiServerConnectionsCutAndRestored() throws Exception {
    String ns = namespace("hiccup");
    List<String> hiccupBuckets = List.of(bucket(ns, "before"), bucket(ns, "during"));
    long objects;
    Matcher server =
        Pattern.compile("server: *'?https://127\\.0\\.0\\.1:(\\d+)").matcher(kube.kubeConfigYaml());
    assertThat(server.find()).isTrue();
    try (TcpProxy tcp =
        new TcpProxy(new InetSocketAddress("127.0.0.1", Integer.parseInt(server.group(1))))) {
      Path kubeconfig = Files.createTempFile("xaccess-hiccup", ".yaml");
      Files.writeString(
          kubeconfig,
          kube.kubeConfigYaml().replace("127.0.0.1:" + server.group(1), "127.0.0.1:" + tcp.port()));
      startOperator(kubeconfig, Map.of());
      create(ns, "before");
      grants().awaitReady(ns, "before");

      tcp.cut();
      create(ns, "during");
      CrossAccountAccess before = get(ns, "before");
      before.getSpec().setSessionDuration("30m");
      long generation = client.resource(before).update().getMetadata().getGeneration();
      Thread.sleep(15_000);
      tcp.restore();

      grants().awaitReady(ns, "during");
      grants().awaitReady(ns, "before", generation);
      assertThat(operator.isAlive()).isTrue();
      objects = putUserData(ns, List.of("before", "during"), hiccupBuckets);
      deleteAll(ns);
      grants().awaitNoneLeft(ns);
    }
    int orphans = orphans(ns, 2);
    assertThat(orphans).isZero();
    long lost = objects - countUserData(hiccupBuckets);
    assertThat(lost).isZero();
    row("API server connections cut 15 s", 2, "1 cut", 2, 0, orphans, lost);
  }

  // --- the operator

  private void startOperator(Map<String, String> env) throws IOException {
    startOperator(kube.kubeConfigFile(), env);
  }

  private void startOperator(Path kubeconfig, Map<String, String> env) throws IOException {
    if (log == null) {
      log = Files.createTempFile("xaccess-faults", ".log");
    }
    Map<String, String> all = new HashMap<>(env);
    all.put("XACCESS_POLL_INTERVAL", "1s");
    all.put("XACCESS_VERIFICATION_RETRY_INITIAL_DELAY", "1s");
    all.put("XACCESS_VERIFICATION_RETRY_MAX_DELAY", "10s");
    // Passing failures back off to 10 s here, not 5 min: with a fifth of all answers garbled, a
    // deletion step of three calls fails half the time, and minutes-long waits would outlast
    // the suite's patience without proving anything more.
    all.put("XACCESS_RETRY_MAX_DELAY", "10s");
    all.put("XACCESS_LEADER_ELECTION_LEASE_DURATION", "4s");
    all.put("XACCESS_LEADER_ELECTION_RENEW_DEADLINE", "3s");
    all.put("XACCESS_LEADER_ELECTION_RETRY_PERIOD", "1s");
    // Appends: one log across restarts.
    Path segment = Files.createTempFile("xaccess-faults-segment", ".log");
    operator = OperatorProcess.start(kubeconfig, proxy.endpoint(), segment, all);
    segments.add(segment);
  }

  private final List<Path> segments = new ArrayList<>();

  /** Until the operator started last holds the Lease and runs its controller. */
  private void awaitLeading() {
    Path segment = segments.get(segments.size() - 1);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Files.readString(segment).contains("leading: this replica reconciles"));
  }

  // --- grants

  private static String namespace(String name) {
    return cluster.namespace(name);
  }

  private static String bucket(String ns, String name) {
    return "xaccess-f-" + ns + "-" + name;
  }

  private static void create(String ns, String name) {
    create(ns, name, "");
  }

  private static void create(String ns, String name, String developmentExtra) {
    created.computeIfAbsent(ns, k -> new java.util.concurrent.ConcurrentSkipListSet<>()).add(name);
    client
        .resource(
            GrantYaml.of(ns, name)
                .bucket(bucket(ns, name))
                .role("DevToProdF-" + ns + "-" + name)
                .development(developmentExtra)
                .resource())
        .create();
  }

  private static void deleteAll(String ns) {
    client.resources(CrossAccountAccess.class).inNamespace(ns).delete();
  }

  /** Grants as the suite awaits them: {@link #CONVERGE}, the operator's log on a timeout. */
  private Grants grants() {
    return Grants.on(client).within(CONVERGE).onTimeout(this::printOperatorLogs);
  }

  private void printOperatorLogs() {
    StringBuilder logs = new StringBuilder();
    for (Path segment : segments) {
      try {
        String text = Files.readString(segment);
        logs.append("--- operator log ").append(segment).append('\n');
        logs.append(text.length() > 20_000 ? text.substring(text.length() - 20_000) : text);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    System.out.println(logs);
  }

  private static CrossAccountAccess get(String ns, String name) {
    return Grants.on(client).get(ns, name);
  }

  // --- what is in AWS (read from moto directly, never through the fault proxy)

  private static List<StackSummary> stacks(boolean production, String ns) {
    var cfn =
        production
            ? aws.production().cloudFormation(Region.AP_SOUTHEAST_2)
            : aws.development().cloudFormation(Region.US_EAST_1);
    return cfn.listStacksPaginator(r -> {}).stackSummaries().stream()
        .filter(s -> s.stackStatus() != StackStatus.DELETE_COMPLETE)
        .filter(s -> s.stackName().startsWith(ns.isEmpty() ? "xaccess-" : "xaccess-" + ns + "-"))
        .toList();
  }

  private static boolean stackExists(boolean production, String name) {
    return stacks(production, "").stream().anyMatch(s -> s.stackName().equals(name));
  }

  /** Stacks beyond one production and one development stack per grant. */
  private static int duplicates(String ns, int grants) {
    int prod = stacks(true, ns).size();
    int dev = stacks(false, ns).size();
    System.out.printf(
        "%s: %d production and %d development stacks for %d grants%n", ns, prod, dev, grants);
    return Math.max(0, prod - grants) + Math.max(0, dev - grants);
  }

  /** What deleted grants left behind: stacks, grant roles, verifier roles. */
  private static int orphans(String ns, int grants) {
    int stacks = stacks(true, ns).size() + stacks(false, ns).size();
    long grantRoles = grantRoles(ns);
    long verifierRoles = verifierRoles(ns);
    System.out.printf(
        "%s: after deletion %d stacks, %d grant roles, %d verifier roles remain%n",
        ns, stacks, grantRoles, verifierRoles);
    return (int) (stacks + grantRoles + verifierRoles);
  }

  /** The production roles of the grants in {@code ns}. */
  private static long grantRoles(String ns) {
    return aws.production().iam().listRolesPaginator().roles().stream()
        .filter(r -> r.roleName().startsWith("DevToProdF-" + ns + "-"))
        .count();
  }

  /** The verifier roles (development account) of the grants in {@code ns}. */
  private static long verifierRoles(String ns) {
    return aws.development().iam().listRolesPaginator().roles().stream()
        .filter(r -> verifierOf(ns, r.roleName()))
        .count();
  }

  /** Whether a role is the verifier role of a grant this suite created in {@code ns}. */
  private static boolean verifierOf(String ns, String roleName) {
    return created.getOrDefault(ns, Set.of()).stream()
        .anyMatch(name -> StackNames.verifierRole(ns, name).equals(roleName));
  }

  private static long putUserData(String ns, int grants) {
    List<String> names = new ArrayList<>();
    List<String> buckets = new ArrayList<>();
    for (int i = 0; i < grants; i++) {
      names.add("g" + i);
      buckets.add(bucket(ns, "g" + i));
    }
    return putUserData(ns, names, buckets);
  }

  /** A user's own objects, outside anything the operator writes. */
  private static long putUserData(String ns, List<String> names, List<String> buckets) {
    var s3 = aws.production().s3(Region.AP_SOUTHEAST_2);
    for (String bucket : buckets) {
      for (int i = 0; i < USER_OBJECTS; i++) {
        int n = i;
        s3.putObject(
            r -> r.bucket(bucket).key("user-data/object-" + n), RequestBody.fromString("data"));
      }
    }
    return countUserData(buckets);
  }

  private static long countUserData(String ns, int grants) {
    List<String> buckets = new ArrayList<>();
    for (int i = 0; i < grants; i++) {
      buckets.add(bucket(ns, "g" + i));
    }
    return countUserData(buckets);
  }

  private static long countUserData(List<String> buckets) {
    var s3 = aws.production().s3(Region.AP_SOUTHEAST_2);
    long count = 0;
    for (String bucket : buckets) {
      count += s3.listObjectsV2(r -> r.bucket(bucket).prefix("user-data/")).keyCount();
    }
    return count;
  }

  // --- faults

  /** DescribeStacks of one stack answers {@code to} where moto says {@code from}. */
  private static Rewrite inProgress(String stack, String from, String to) {
    return new Rewrite(
        r ->
            "DescribeStacks".equals(r.form().get("Action"))
                && stack.equals(r.form().get("StackName")),
        body -> body.replace(from, to));
  }

  private static String failedEvent(String stack, String logicalId, String reason) {
    return "<member><StackId>"
        + stack
        + "</StackId><EventId>xaccess-fault-1</EventId><StackName>"
        + stack
        + "</StackName><LogicalResourceId>"
        + logicalId
        + "</LogicalResourceId><PhysicalResourceId></PhysicalResourceId>"
        + "<ResourceType>AWS::S3::Bucket</ResourceType><Timestamp>"
        + Instant.now()
        + "</Timestamp><ResourceStatus>CREATE_FAILED</ResourceStatus><ResourceStatusReason>"
        + reason
        + "</ResourceStatusReason></member>";
  }

  // --- metrics

  private Map<String, Double> metrics() throws Exception {
    URI uri = operator.managementUri(Duration.ofSeconds(60)).resolve("/q/metrics");
    String text =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.lines().toList()) {
      if (!line.startsWith("#") && line.contains(" ")) {
        int space = line.lastIndexOf(' ');
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return samples;
  }

  private static double sum(Map<String, Double> metrics, String name) {
    return sumWhere(metrics, name, "");
  }

  private static double sumWhere(Map<String, Double> metrics, String name, String label) {
    return metrics.entrySet().stream()
        .filter(e -> e.getKey().startsWith(name + "{") && e.getKey().contains(label))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  private static void row(
      String scenario,
      int grants,
      String faults,
      long converged,
      int duplicates,
      int orphans,
      long lost) {
    report.add(
        "| "
            + scenario
            + " | "
            + grants
            + " | "
            + faults
            + " | "
            + converged
            + "/"
            + grants
            + " | "
            + duplicates
            + " | "
            + orphans
            + " | "
            + lost
            + " |");
  }
}
