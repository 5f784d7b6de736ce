package io.xaccess.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.TrustSpec;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged operator on one real API server: only the Lease holder runs the
 * controller; when it dies, the other takes over within the lease duration and the grant still
 * converges. A replica that stops normally releases the Lease, so the follower takes over without
 * waiting out the lease duration.
 */
class LeaderElectionIT {

  /** Logged (at debug) by each reconcile: followers keep warm caches but never reconcile. */
  private static final String RECONCILED = "reconciling ha/basic";

  private static final Duration LEASE = Duration.ofSeconds(6);

  @Test
  void onlyTheLeaderReconcilesAndAFollowerTakesOver() throws Exception {
    Path logA = Files.createTempFile("xaccess-replica-a", ".log");
    Path logB = Files.createTempFile("xaccess-replica-b", ".log");
    try (TestCluster cluster = TestCluster.start()) {
      KubernetesClient client = cluster.client();
      Path kubeconfig = cluster.kube().kubeConfigFile();
      cluster.namespace("ha");
      Grants grants = cluster.grants().within(Duration.ofMinutes(2));
      OperatorProcess a =
          OperatorProcess.start(kubeconfig, cluster.awsEndpoint(), logA, replica("replica-a"));
      await().atMost(Duration.ofSeconds(60)).until(() -> "replica-a".equals(holder(client)));
      try (OperatorProcess b =
          OperatorProcess.start(kubeconfig, cluster.awsEndpoint(), logB, replica("replica-b"))) {
        cluster.kubectl().succeed("apply", "-n", "ha", "-f", "examples/basic.yaml");
        grants.awaitReady("ha", "basic", 1);
        assertThat(Files.readString(logA)).contains(RECONCILED);
        assertThat(Files.readString(logB))
            .as("the follower runs no controller")
            .doesNotContain(RECONCILED);
        // A follower is ready (it stands by): otherwise a rolling update with maxUnavailable 0
        // would wait forever for a new pod while the old one holds the Lease.
        assertThat(healthStatus(b, "/q/health/ready")).isEqualTo(200);
        assertThat(healthStatus(b, "/q/health/live")).isEqualTo(200);

        Lease held = lease(client);
        java.time.ZonedDateTime lastRenewal = held.getSpec().getRenewTime();
        a.close(); // SIGTERM; returns once the process is gone
        Instant killed = Instant.now();
        assertThat(Files.readString(logA))
            .as("a normal shutdown gives up the Lease quietly")
            .doesNotContain("lost the leader Lease")
            .contains("released the leader Lease");
        assertThat(holder(client))
            .as("released on shutdown: no holder, or the follower already")
            .isIn("", null, "replica-b");
        await().atMost(LEASE.multipliedBy(4)).until(() -> "replica-b".equals(holder(client)));
        Duration handover = Duration.between(killed, Instant.now());
        System.out.println("leader handover took " + handover.toMillis() + " ms");
        assertThat(lease(client).getSpec().getAcquireTime())
            .as("the follower took the Lease before the old one would have run out")
            .isBefore(lastRenewal.plus(LEASE));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Files.readString(logB).contains(RECONCILED));

        CrossAccountAccess grant = grants.get("ha", "basic");
        grant.getSpec().setTrust(new TrustSpec());
        grant.getSpec().getTrust().setRegions(List.of("us-east-1"));
        long generation = client.resource(grant).update().getMetadata().getGeneration();
        grants.awaitReady("ha", "basic", generation);
        assertThat(Files.readString(logB)).as("the new leader reconciles").contains(RECONCILED);
        assertThat(b.isAlive()).isTrue();
      } catch (Throwable failure) {
        System.out.println(
            "replica-a log:\n"
                + Files.readString(logA)
                + "\nreplica-b log:\n"
                + Files.readString(logB));
        throw failure;
      } finally {
        a.close();
      }
    }
  }

  private static Map<String, String> replica(String identity) {
    return Map.of(
        "XACCESS_LEADER_ELECTION_IDENTITY",
        identity,
        "XACCESS_LEADER_ELECTION_LEASE_DURATION",
        LEASE.toSeconds() + "s",
        "XACCESS_LEADER_ELECTION_RENEW_DEADLINE",
        "4s",
        "XACCESS_LEADER_ELECTION_RETRY_PERIOD",
        "1s",
        "QUARKUS_LOG_CATEGORY__IO_XACCESS__LEVEL",
        "DEBUG");
  }

  private static int healthStatus(OperatorProcess replica, String path) throws Exception {
    java.net.URI uri = replica.managementUri(Duration.ofSeconds(60)).resolve(path);
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(uri).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  private static String holder(KubernetesClient client) {
    Lease lease = lease(client);
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static Lease lease(KubernetesClient client) {
    return client.leases().inNamespace("default").withName("xaccess-operator").get();
  }
}
