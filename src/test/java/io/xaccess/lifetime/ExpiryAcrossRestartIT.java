package io.xaccess.lifetime;

import static io.xaccess.testing.Grants.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.testing.AwsTestAccounts;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * The packaged operator SIGKILLed across a time-boxed grant's end (a node failure, an OOM kill):
 * nothing closes the grant while it is down, and the restarted operator closes it — in AWS, read
 * from moto directly, and Expired in status — within one poll interval of leading again. Also a
 * revocation annotated while it is down is applied once it is back.
 *
 * <p>The poll interval of the promise is the resync interval, {@link #RESYNC} here: how
 * often a settled grant is looked at again with no event. The operator schedules the end itself,
 * but a killed one forgets its schedule; a restarted one reconciles every grant as it starts
 * leading, so the end is acted on at once, and at the latest one resync later.
 *
 * <p>What is measured, and from when. A replacement pod has a new identity, so it leads only once
 * the dead leader's Lease ran out (up to the lease duration after the kill; a container restarted
 * in the same pod keeps its name and leads at once, as the second test shows). The bound is
 * therefore counted from when the new process became leader, as the operator itself recorded it
 * (the Lease's {@code acquireTime}), against {@code status.closedAt}, which the operator records at
 * its first look after the end — no clock of the test's is part of the assertion. The only margin
 * is closedAt's rounding up to whole seconds (GrantLifetime), so the bound is {@code
 * ceil(acquireTime + resync)}. From the process start add the rest of the dead leader's Lease and
 * the JVM's start, printed by the test.
 */
class ExpiryAcrossRestartIT {

  /** The poll interval: how often a settled grant is reconciled again (XACCESS_RESYNC_INTERVAL). */
  private static final Duration RESYNC = Duration.ofSeconds(5);

  /**
   * Longer than the ttl by more than the time from the first Ready to the kill plus one retry
   * period, so the dead leader's Lease still holds when the operator restarts just after the end:
   * the replacement must wait it out (the case the Lease makes slowest).
   */
  private static final Duration LEASE = Duration.ofSeconds(25);

  private static final Duration TTL = Duration.ofSeconds(10);

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static Grants grants;
  private final List<Path> logs = new ArrayList<>();

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    client = cluster.client();
    grants = cluster.grants().within(Duration.ofMinutes(2));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void killedBeforeTheEndAndRestartedAfterItTheOperatorClosesTheGrantWithinOneResync()
      throws Exception {
    String ns = cluster.namespace("restart-expiry");
    String lease = "xaccess-restart-expiry";
    OperatorProcess first = operator(lease, "xaccess-0");
    OperatorProcess second = null;
    try {
      client
          .resource(GrantYaml.of(ns, "jit").spec("  ttl: " + TTL.toSeconds() + "s\n").resource())
          .create();
      CrossAccountAccess ready = grants.awaitReady(ns, "jit");
      Instant expiresAt = Instant.parse(ready.getStatus().getExpiresAt());

      first.kill();
      Instant killed = Instant.now();
      assertThat(killed).as("killed before the end").isBefore(expiresAt);

      // Down across the end: nothing closes the grant meanwhile.
      sleepUntil(expiresAt.plusSeconds(1));
      CrossAccountAccess down = grants.get(ns, "jit");
      assertThat(down.getStatus().getClosedAt()).isNull();
      assertThat(down.getStatus().getPhase()).isEqualTo(Phase.Ready);
      LeaseSpec dead = lease(lease);
      Instant deadRenewed = dead.getRenewTime().toInstant();
      Instant restarted = Instant.now();
      assertThat(dead.getHolderIdentity()).isEqualTo("xaccess-0");
      assertThat(deadRenewed.plus(LEASE))
          .as("the dead leader's Lease still holds at the restart")
          .isAfter(restarted);

      // A replacement pod: another identity, leading once the dead leader's Lease ran out.
      second = operator(lease, "xaccess-1");
      CrossAccountAccess expired =
          grants.await(ns, "jit", g -> g.getStatus().getPhase() == Phase.Expired);
      LeaseSpec taken = lease(lease);
      assertThat(taken.getHolderIdentity()).isEqualTo("xaccess-1");
      Instant leading = taken.getAcquireTime().toInstant();
      // The elector stamps acquireTime just before it reads the Lease it then finds run out: up
      // to that read's latency (a second is ample) before the Lease's end.
      assertThat(leading)
          .as("led only once the dead leader's Lease ran out")
          .isAfter(deadRenewed.plus(LEASE).minusSeconds(1));

      Instant closedAt = Instant.parse(expired.getStatus().getClosedAt());
      System.out.printf(
          "closed %d ms after the end, %d ms after the restart, %d ms after the new leader took"
              + " the Lease (bound: %d ms)%n",
          Duration.between(expiresAt, closedAt).toMillis(),
          Duration.between(restarted, closedAt).toMillis(),
          Duration.between(leading, closedAt).toMillis(),
          RESYNC.toMillis());
      assertThat(closedAt)
          .as("acted on by the new leader, within one resync of its leading")
          .isAfterOrEqualTo(expiresAt)
          .isAfterOrEqualTo(leading)
          .isBeforeOrEqualTo(ceil(leading.plus(RESYNC)));
      assertThat(expired.getStatus().getSessionsRevokedBefore()).isEqualTo(closedAt.toString());
      assertThat(has(expired, "Ready", "False")).isTrue();
      assertThat(Grants.reason(expired, "Ready")).isEqualTo("Expired");

      // In AWS, read from moto: both stacks carry the closed configuration.
      try (AwsTestAccounts aws = AwsTestAccounts.open(cluster.moto())) {
        DeployedStacks.read(
                aws.production().cloudFormation(Region.AP_SOUTHEAST_2),
                aws.development().cloudFormation(Region.US_EAST_1),
                ns,
                "jit")
            .assertClosed(closedAt.toString());
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(events(ns, "jit")).contains("Expired", "SessionsRevoked"));
    } catch (Throwable failure) {
      printLogs();
      throw failure;
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void aRevocationAnnotatedWhileTheOperatorIsDownIsAppliedOnceItIsBack() throws Exception {
    String ns = cluster.namespace("restart-revoke");
    String lease = "xaccess-restart-revoke";
    OperatorProcess first = operator(lease, "xaccess-0");
    OperatorProcess second = null;
    try {
      client.resource(GrantYaml.of(ns, "leak").resource()).create();
      grants.awaitReady(ns, "leak");
      first.kill();

      // Leaked credentials, reported while the operator is down.
      Instant revokeBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      CrossAccountAccess annotated = grants.get(ns, "leak");
      annotated
          .getMetadata()
          .setAnnotations(
              Map.of(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, revokeBefore.toString()));
      client.resource(annotated).update();

      // A container restarted in the same pod keeps its identity: the Lease names it, so it
      // leads at once.
      second = operator(lease, "xaccess-0");
      CrossAccountAccess revoked =
          grants.await(
              ns,
              "leak",
              g ->
                  revokeBefore.toString().equals(g.getStatus().getSessionsRevokedBefore())
                      && has(g, "Ready", "True")
                      && !Instant.parse(g.getStatus().getLastVerification().getTime())
                          .isBefore(revokeBefore));
      assertThat(revoked.getStatus().getPhase()).isEqualTo(Phase.Ready);
      try (AwsTestAccounts aws = AwsTestAccounts.open(cluster.moto())) {
        DeployedStacks stacks =
            DeployedStacks.read(
                aws.production().cloudFormation(Region.AP_SOUTHEAST_2),
                aws.development().cloudFormation(Region.US_EAST_1),
                ns,
                "leak");
        assertThat(stacks.production()).containsEntry("AccessOpen", "true");
        assertThat(stacks.revocationBound()).isEqualTo(revokeBefore.toString());
        assertThat(stacks.trustAllows()).as("new sessions still work").hasSize(2);
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(events(ns, "leak")).contains("SessionsRevoked"));
      assertThat(lease(lease).getHolderIdentity()).isEqualTo("xaccess-0");
    } catch (Throwable failure) {
      printLogs();
      throw failure;
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  /** A packaged operator with its own Lease settings, as one replica of a Deployment. */
  private OperatorProcess operator(String lease, String identity) throws Exception {
    Path log = Files.createTempFile("xaccess-restart-" + identity, ".log");
    logs.add(log);
    return OperatorProcess.start(
        cluster.kube().kubeConfigFile(),
        cluster.awsEndpoint(),
        log,
        Map.of(
            "XACCESS_RESYNC_INTERVAL",
            RESYNC.toSeconds() + "s",
            "XACCESS_LEADER_ELECTION_LEASE_NAME",
            lease,
            "XACCESS_LEADER_ELECTION_LEASE_NAMESPACE",
            "default",
            "XACCESS_LEADER_ELECTION_IDENTITY",
            identity,
            "XACCESS_LEADER_ELECTION_LEASE_DURATION",
            LEASE.toSeconds() + "s",
            "XACCESS_LEADER_ELECTION_RENEW_DEADLINE",
            "20s",
            "XACCESS_LEADER_ELECTION_RETRY_PERIOD",
            "2s"));
  }

  private static LeaseSpec lease(String name) {
    Lease lease = client.leases().inNamespace("default").withName(name).get();
    assertThat(lease).as("Lease " + name).isNotNull();
    return lease.getSpec();
  }

  private static List<String> events(String ns, String name) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }

  private static void sleepUntil(Instant t) throws InterruptedException {
    long millis = Duration.between(Instant.now(), t).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  /** Rounded up to whole seconds, as the operator rounds closedAt. */
  private static Instant ceil(Instant t) {
    Instant down = t.truncatedTo(ChronoUnit.SECONDS);
    return down.equals(t) ? t : down.plusSeconds(1);
  }

  private void printLogs() throws Exception {
    for (Path log : logs) {
      System.out.println("--- " + log + "\n" + Files.readString(log));
    }
  }
}
