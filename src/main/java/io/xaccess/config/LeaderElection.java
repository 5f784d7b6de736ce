package io.xaccess.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

/**
 * Leader election through a coordination.k8s.io Lease, so two or more replicas are safe: only the
 * leader reconciles; a follower takes over when the leader's Lease is released or expires. The
 * Operator SDK applies it in the prod profile (the packaged operator), not in dev/test runs
 * in-process.
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

  // Before the Operator SDK's own ShutdownEvent observer stops the elector (which gives up the
  // Lease and calls back): without the priority, the order is undefined and a normal shutdown
  // logged "lost the leader Lease" as an error (seen in make bench).
  void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
    shuttingDown = true;
  }

  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(XaccessConfig config) {
    XaccessConfig.LeaderElection le = config.leaderElection();
    String identity = le.identity().orElseGet(() -> System.getenv("HOSTNAME"));
    LeaderCallbacks callbacks =
        new LeaderCallbacks(
            () -> LOG.info("leading: this replica reconciles"),
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
