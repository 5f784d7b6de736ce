package io.xaccess.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.testing.AwsFaultProxy;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.SlowStacks;
import io.xaccess.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    }
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
