package io.xaccess.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Leader election through a coordination.k8s.io Lease, so two or more replicas are safe: only the
 * leader reconciles; a follower takes over when the leader's Lease is released or expires. The
 * Operator SDK applies it in the prod profile (the packaged operator), not in dev/test runs
 * in-process.
 *
 * <p>A replica that stops normally releases its Lease once the Operator SDK has stopped its
 * controllers: Java Operator SDK 5.2.1 builds Fabric8's elector with {@code releaseOnCancel} false
 * and offers no setting for it, so without this a new leader waits out the whole lease duration (15
 * s with the chart's settings) after every rollout. The release is what Fabric8's own {@code
 * LeaderElector.release()} does: the same Lease, holder emptied, a one-second duration, written
 * only while this replica still holds it (an optimistic update).
 *
 * <p>A replica that loses its Lease while running exits so Kubernetes restarts it clean. The SDK
 * could do that itself, but it calls {@code System.exit} — which, when the Lease is given up during
 * a normal shutdown, blocks the shutdown hook until the pod is killed. So exiting is done here,
 * asynchronously, and only outside shutdown.
 */
@Singleton
public class LeaderElection {

  private static final Logger LOG = Logger.getLogger(LeaderElection.class);

  private volatile boolean shuttingDown;
  private volatile boolean led;
  private volatile String identity;

  // Before the Operator SDK's own ShutdownEvent observer stops the elector (which gives up the
  // Lease and calls back): without the priority, the order is undefined and a normal shutdown
  // logged "lost the leader Lease" as an error (seen in make bench).
  void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
    shuttingDown = true;
  }

  /**
   * After the Operator SDK stopped the operator (its own observer has priority 3123): nothing
   * reconciles here any more, so the Lease can go to another replica at once.
   */
  void releaseLease(
      @Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event,
      KubernetesClient client,
      XaccessConfig config) {
    if (!led) {
      return;
    }
    XaccessConfig.LeaderElection le = config.leaderElection();
    String namespace = le.leaseNamespace().orElseGet(client::getNamespace);
    // The SDK closed its client when it stopped: one more, for this one write.
    try (KubernetesClient own =
        new KubernetesClientBuilder().withConfig(client.getConfiguration()).build()) {
      LeaseLock lock = new LeaseLock(namespace, le.leaseName(), identity);
      LeaderElectionRecord record = lock.get(own);
      if (record == null || !identity.equals(record.getHolderIdentity())) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      lock.update(
          own,
          new LeaderElectionRecord(
              "", Duration.ofSeconds(1), now, now, record.getLeaderTransitions()));
      LOG.infof("released the leader Lease %s/%s", namespace, le.leaseName());
    } catch (RuntimeException e) {
      // Another replica took it meanwhile, or the API server is gone: it runs out as before.
      LOG.warnf("could not release the leader Lease: %s", e.getMessage());
    }
  }

  /**
   * This replica's identity in the Lease: as configured, else the pod's name, else a random one.
   * Never left to the Operator SDK (which makes up its own when given none): the release on
   * shutdown must name the same holder.
   */
  static String identity(Optional<String> configured, String hostname) {
    return configured
        .filter(i -> !i.isBlank())
        .orElseGet(
            () ->
                hostname != null && !hostname.isBlank()
                    ? hostname
                    : java.util.UUID.randomUUID().toString());
  }

  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(XaccessConfig config) {
    XaccessConfig.LeaderElection le = config.leaderElection();
    String identity = identity(le.identity(), System.getenv("HOSTNAME"));
    this.identity = identity;
    LeaderCallbacks callbacks =
        new LeaderCallbacks(
            () -> {
              led = true;
              LOG.info("leading: this replica reconciles");
            },
            () -> {
              if (!shuttingDown) {
                LOG.error(
                    "lost the leader Lease: exiting so that Kubernetes restarts this replica");
                Quarkus.asyncExit(1);
              }
            },
            leader -> LOG.infof("leader is %s", leader));
    return new LeaderElectionConfiguration(
        le.leaseName(),
        le.leaseNamespace().orElse(null),
        le.leaseDuration(),
        le.renewDeadline(),
        le.retryPeriod(),
        identity,
        callbacks,
        false);
  }
}
