package io.xaccess.reconciler;

import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.cloudformation.GrantStacks;
import io.xaccess.cloudformation.StackGateway;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Grant;
import io.xaccess.grant.Side;
import io.xaccess.status.GrantStatusBuilder;
import io.xaccess.verification.VerificationSchedule;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * {@code managementPolicy: Observe}: the runbook's steps looked at, never carried out. Each side's
 * stack the spec names (or the operator's own name) is read as it is, whoever made it; the role,
 * bucket and key the spec names are compared with what the spec would deploy (the drift report),
 * and Ready says whether they match. Nothing is created, changed or deleted: how a grant made by
 * hand is looked at before it is adopted. The access is proven only where xaccess's own development
 * stack provides the verifier role (a managed grant switched to Observe).
 */
@ApplicationScoped
public class GrantObservation {

  private final StackGateway stacks;
  private final GrantDrift drift;
  private final VerificationSchedule verification;
  private final XaccessConfig config;

  public GrantObservation(
      StackGateway stacks,
      GrantDrift drift,
      VerificationSchedule verification,
      XaccessConfig config) {
    this.stacks = stacks;
    this.drift = drift;
    this.verification = verification;
    this.config = config;
  }

  /** One look; returns when to look again. */
  Duration advance(
      CrossAccountAccess resource,
      Grant grant,
      StackRequest production,
      StackRequest development,
      GrantStatusBuilder status) {
    for (Side side : Side.values()) {
      String name = GrantStacks.names(grant, side).get(0);
      StackRecord.observed(status, side, name, stacks.observe(grant.account(side), name));
    }
    GrantDrift.Observation seen = drift.observe(resource, grant, production, development, status);
    status.observed(seen.matches(), seen.message());
    Duration next = seen.next().orElse(config.resyncInterval());
    String verifierRoleArn = status.developmentStack().getVerifierRoleArn();
    if (!grant.verification().enabled() || verifierRoleArn == null) {
      return next;
    }
    // An observed grant with a development stack of xaccess's own (a managed grant switched to
    // Observe) has a verifier role: the access is proven as for a managed grant, at its interval.
    Duration proof =
        verification.advance(
            grant,
            status,
            GrantStacks.productionRoleArn(grant, config.aws().partition()),
            verifierRoleArn,
            "observed:" + status.productionStack().getStackId());
    return proof.compareTo(next) < 0 ? proof : next;
  }
}
