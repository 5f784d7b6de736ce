package io.xaccess.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Leader election through a coordination.k8s.io Lease, so two or more replicas are safe: only the
 * leader runs the controller; a follower takes over when the leader's Lease expires. The Operator
 * SDK applies it in the prod profile (the packaged operator), not in dev/test runs in-process.
 */
public class LeaderElection {

  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(XaccessConfig config) {
    XaccessConfig.LeaderElection le = config.leaderElection();
    String identity = le.identity().orElseGet(() -> System.getenv("HOSTNAME"));
    return new LeaderElectionConfiguration(
        le.leaseName(),
        le.leaseNamespace().orElse(null),
        le.leaseDuration(),
        le.renewDeadline(),
        le.retryPeriod(),
        identity,
        null,
        true);
  }
}
