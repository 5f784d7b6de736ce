package io.xaccess.e2e;

import static io.xaccess.testing.Grants.has;
import static io.xaccess.testing.Grants.reason;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.testing.AwsFaultProxy;
import io.xaccess.testing.GitOpsHealth;
import io.xaccess.testing.GrantVersions;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.SlowStacks;
import io.xaccess.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stack progress as an event source, on the packaged operator against a real API server and moto,
 * with every stack create and update taking seconds (the proxy shows them in progress, as AWS
 * would). Each grant's own look at its stack is set to ten minutes: a grant Ready within the test
 * was woken by the watch's ListStacks when its stack's operation ended. When ListStacks is denied,
 * grants fall back to polling their own stacks.
 */
class StackWatchIT {

  private static final Duration STACK_TAKES = Duration.ofSeconds(4);
  private static final int GRANTS = 6;

  private static TestCluster cluster;
  private static AwsFaultProxy proxy;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    proxy = cluster.proxy();
    client = cluster.client();
    proxy.slowStacks(new SlowStacks(STACK_TAKES, STACK_TAKES));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static void create(String ns, String name) {
    client
        .resource(
            GrantYaml.of(ns, name)
                .bucket("xaccess-sw-" + ns + "-" + name)
                .role("DevToProdSW-" + ns + "-" + name)
                .resource())
        .create();
  }

  private static OperatorProcess operator(Path log, Map<String, String> env) {
    return OperatorProcess.start(cluster.kube().kubeConfigFile(), cluster.awsEndpoint(), log, env);
  }

  @Test
  void grantsAreWokenWhenTheirStacksFinishNotByPollingEach() throws Exception {
    Path log = Files.createTempFile("xaccess-stack-watch", ".log");
    String ns = cluster.namespace("watch");
    // Each grant would look at its own stack only after ten minutes.
    try (OperatorProcess operator =
        operator(
            log,
            Map.of(
                "XACCESS_POLL_INTERVAL", "10m",
                "XACCESS_FIRST_POLL_DELAY", "10m",
                "XACCESS_STACK_WATCH_INTERVAL", "500ms"))) {
      Map<String, Long> before = proxy.counts();
      List<CrossAccountAccess> versions = record(ns, "g0");
      IntStream.range(0, GRANTS).forEach(i -> create(ns, "g" + i));
      Grants grants = cluster.grants().within(Duration.ofMinutes(3));
      List<String> names = IntStream.range(0, GRANTS).mapToObj(i -> "g" + i).toList();
      try {
        names.forEach(n -> grants.awaitReady(ns, n));
      } catch (Throwable failure) {
        System.out.println("operator log:\n" + Files.readString(log));
        throw failure;
      }
      Map<String, Long> after = proxy.counts();
      long listStacks = delta(before, after, "ListStacks");
      long describeStacks = delta(before, after, "DescribeStacks");
      System.out.printf(
          "stack watch: %d grants Ready with %d ListStacks and %d DescribeStacks (%.1f per"
              + " grant)%n",
          GRANTS, listStacks, describeStacks, describeStacks / (double) GRANTS);
      assertThat(listStacks).as("the watch listed the stacks in progress").isPositive();
      // Every stack was in progress for seconds, yet a grant's own look at its stack adds
      // nothing while it runs: the look-ups of each step only (not one per poll).
      assertThat(describeStacks).as("DescribeStacks per grant").isLessThanOrEqualTo(12L * GRANTS);
      assertThat(
              proxy.counts().getOrDefault("CreateStack", 0L)
                  - before.getOrDefault("CreateStack", 0L))
          .isEqualTo(2L * GRANTS);

      // What Argo CD and Flux say while the stacks take seconds (on the emulator without slow
      // stacks the grant is Ready with its first status write): Progressing/InProgress with a
      // message through both stacks, Healthy/Current only once Ready.
      List<CrossAccountAccess> deploying =
          versions.stream().filter(g -> g.getStatus() != null && !has(g, "Ready", "True")).toList();
      assertThat(deploying.stream().map(g -> g.getStatus().getPhase()).distinct())
          .as("phases seen while deploying")
          .contains(Phase.DeployingProduction, Phase.DeployingDevelopment);
      for (CrossAccountAccess version : deploying) {
        GitOpsHealth.Verdict verdict = GitOpsHealth.of(Serialization.asJson(version));
        assertThat(verdict.argoCd())
            .as(version.getStatus().getPhase().name())
            .isEqualTo("Progressing");
        assertThat(verdict.kstatus()).isEqualTo("InProgress");
        assertThat(verdict.argoCdMessage()).isNotBlank();
      }
      assertThat(GitOpsHealth.of(Serialization.asJson(versions.get(versions.size() - 1))).argoCd())
          .isEqualTo("Healthy");
    } finally {
      recorder.close();
    }
  }

  @Test
  void aSuspendedGrantPastItsEndIsProgressingWhileItsClosingDeploys() throws Exception {
    Path log = Files.createTempFile("xaccess-stack-watch-closing", ".log");
    String ns = cluster.namespace("closing");
    String end =
        Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS).toString();
    try (OperatorProcess operator = operator(log, Map.of())) {
      List<CrossAccountAccess> versions = record(ns, "paused");
      client
          .resource(
              GrantYaml.of(ns, "paused")
                  .bucket("xaccess-sw-" + ns + "-paused")
                  .role("DevToProdSW-" + ns + "-paused")
                  .spec("  suspend: true\n  expiresAt: \"" + end + "\"\n")
                  .resource())
          .create();
      cluster
          .grants()
          .within(Duration.ofMinutes(2))
          .await(ns, "paused", g -> g.getStatus().getPhase() == Phase.Expired);
      // Suspension pauses changes, not the end: while the closed configuration deploys the grant
      // is Progressing, not Suspended.
      List<CrossAccountAccess> closing =
          versions.stream().filter(g -> "Closing".equals(reason(g, "Ready"))).toList();
      assertThat(closing).as("versions while closing").isNotEmpty();
      for (CrossAccountAccess version : closing) {
        GitOpsHealth.Verdict v = GitOpsHealth.of(Serialization.asJson(version));
        assertThat(v.argoCd()).isEqualTo("Progressing");
        assertThat(v.argoCdMessage()).contains("the grant expired at " + end);
        assertThat(v.kstatus()).isEqualTo("InProgress");
      }
    } finally {
      recorder.close();
    }
  }

  private final GrantVersions recorder = new GrantVersions(client);

  private List<CrossAccountAccess> record(String ns, String name) {
    return recorder.record(ns, name);
  }

  @Test
  void whenListStacksIsDeniedGrantsPollTheirOwnStacks() throws Exception {
    Path log = Files.createTempFile("xaccess-stack-watch-denied", ".log");
    String ns = cluster.namespace("denied");
    AwsFaultProxy.Fault denied =
        new AwsFaultProxy.Fault(
            r -> "ListStacks".equals(r.action()),
            403,
            "AccessDenied",
            "User is not authorized to perform: cloudformation:ListStacks");
    proxy.add(denied);
    try (OperatorProcess operator =
        operator(
            log,
            Map.of(
                "XACCESS_POLL_INTERVAL", "1s",
                "XACCESS_FIRST_POLL_DELAY", "1s",
                "XACCESS_STACK_WATCH_INTERVAL", "500ms"))) {
      create(ns, "fallback");
      try {
        cluster.grants().within(Duration.ofMinutes(2)).awaitReady(ns, "fallback");
      } catch (Throwable failure) {
        System.out.println("operator log:\n" + Files.readString(log));
        throw failure;
      }
      assertThat(Files.readString(log))
          .contains("listing the stacks in progress failed")
          .contains("look at their own stacks every PT1S");
    } finally {
      proxy.remove(denied);
    }
  }

  private static long delta(Map<String, Long> before, Map<String, Long> after, String action) {
    return after.getOrDefault(action, 0L) - before.getOrDefault(action, 0L);
  }
}
