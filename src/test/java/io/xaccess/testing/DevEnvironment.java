package io.xaccess.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code make dev}: the whole product on this machine. Starts a {@link TestCluster} (a real
 * kube-apiserver + etcd with the CRD, and moto for both accounts behind the proxy that forwards one
 * request at a time, so grants applied side by side do not trip over moto), runs the packaged
 * operator as its own process, applies {@code examples/basic.yaml} and shows {@code kubectl get
 * xaa} until it is Ready. Then it keeps running for you to experiment (Ctrl-C stops everything),
 * unless {@code --exit-when-ready}.
 *
 * <p>It runs inside Maven's JVM ({@code exec:java}), which {@code make dev} execs as its recipe, so
 * a SIGTERM to {@code make} (GNU make passes it on to the recipe) or Ctrl-C (SIGINT to the whole
 * foreground group) ends this JVM, whose shutdown hooks stop what it started, whatever state it is
 * in: the operator, moto, the API server and etcd each by their own hook, and anything else this
 * JVM started that is still running (a kubectl hung on a stopped API server) by one more.
 */
public final class DevEnvironment {

  /** How long what is left gets after SIGTERM before SIGKILL. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private DevEnvironment() {}

  public static void main(String[] args) throws Exception {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(DevEnvironment::stopDescendants, "dev-stop-descendants"));
    boolean exitWhenReady = List.of(args).contains("--exit-when-ready");
    // -Dxaccess.dev.dir (MAVEN_OPTS) moves the kubeconfig and the operator's log elsewhere, so a
    // test running make dev leaves a developer's .tools/dev alone.
    Path dir = Path.of(System.getProperty("xaccess.dev.dir", ".tools/dev"));
    Files.createDirectories(dir);

    say(
        "starting kube-apiserver + etcd (Kubernetes 1.34) and moto (AWS accounts 111111111111, 222222222222)");
    // As on a fresh cluster: no namespace may grant anything until a policy selects it.
    TestCluster cluster =
        TestCluster.start(TestCluster.Options.DEFAULT.withoutOpenPolicy()); // hooks stop it
    LocalKubeApiServer kube = cluster.kube();
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.copy(kube.kubeConfigFile(), kubeconfig, StandardCopyOption.REPLACE_EXISTING);
    cluster.namespace("dev");
    say(
        "CRD installed; AWS emulator at "
            + cluster.awsEndpoint()
            + " (moto at "
            + cluster.moto().endpoint()
            + ", one request at a time)");

    Path log = dir.resolve("operator.log");
    try (OperatorProcess operator =
        OperatorProcess.start(kubeconfig, cluster.awsEndpoint(), log, Map.of())) {
      say("operator started (pid " + operator.handle().pid() + ", log: " + log + ")");
      Kubectl kubectl = cluster.kubectl();
      say("$ kubectl apply -f examples/policy-local.yaml   (the platform team's tenancy policy)");
      System.out.print(kubectl.succeed("apply", "-f", "examples/policy-local.yaml"));
      say("$ kubectl apply -n dev -f examples/basic.yaml");
      System.out.print(kubectl.succeed("apply", "-n", "dev", "-f", "examples/basic.yaml"));
      say("$ kubectl get xaa -n dev   (until READY is True)");
      String last = "";
      Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
      boolean ready = false;
      while (Instant.now().isBefore(deadline) && operator.isAlive()) {
        String table = kubectl.succeed("get", "xaa", "-n", "dev");
        String row = table.lines().skip(1).findFirst().orElse("");
        String withoutAge = row.replaceAll("\\s+\\S+$", "");
        if (!withoutAge.equals(last)) {
          System.out.println(last.isEmpty() ? table.stripTrailing() : row);
          last = withoutAge;
        }
        if (row.split("\\s+").length > 4 && "True".equals(row.split("\\s+")[4])) {
          ready = true;
          break;
        }
        Thread.sleep(1000);
      }
      if (!ready) {
        say("the grant did not become Ready; operator log: " + log);
        System.out.println(kubectl.run("describe", "xaa", "-n", "dev", "basic").output());
        System.exit(1);
      }
      System.out.println(
          kubectl.succeed(
              "get",
              "xaa",
              "basic",
              "-n",
              "dev",
              "-o",
              "jsonpath={range .status.conditions[*]}{.type}={.status} ({.reason}){\"\\n\"}{end}"));
      if (exitWhenReady) {
        say("Ready: access verified through the assumed role. Stopping (--exit-when-ready).");
        operator.close();
        System.exit(0); // shutdown hooks stop the API server and moto
      }
      say("Ready. Everything keeps running; in another shell:");
      System.out.println("  export KUBECONFIG=" + kubeconfig.toAbsolutePath());
      System.out.println("  " + kube.kubectl() + " get xaa -A");
      System.out.println("  " + kube.kubectl() + " describe xaa -n dev basic");
      say("Ctrl-C stops the operator, the API server and moto.");
      Thread.currentThread().join();
    }
  }

  /**
   * SIGTERM to every process this JVM started that is still running, SIGKILL to those still there
   * after {@link #STOP_GRACE} (a stopped or hung process ignores SIGTERM).
   */
  private static void stopDescendants() {
    List<ProcessHandle> started = ProcessHandle.current().descendants().toList();
    started.forEach(ProcessHandle::destroy);
    awaitGone(started, STOP_GRACE);
    started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    awaitGone(started, Duration.ofSeconds(2));
  }

  private static void awaitGone(List<ProcessHandle> processes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && processes.stream().anyMatch(ProcessHandle::isAlive)) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void say(String message) {
    System.out.println("==> " + message);
  }
}
