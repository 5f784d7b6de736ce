package io.xaccess.reconciler;

import io.xaccess.aws.AwsClients;
import io.xaccess.cloudformation.GrantStacks;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.AccessState;
import io.xaccess.grant.Grant;
import io.xaccess.status.GrantStatusBuilder;
import java.util.Objects;

/**
 * The two stacks the runbook asks for, with the operator's settings and identities: one place for
 * the reconciler, a Manual grant's plan and the closure of a stalled grant, so they never differ.
 */
final class StackRequests {

  private final AwsClients identities;
  private final XaccessConfig config;

  StackRequests(AwsClients identities, XaccessConfig config) {
    this.identities = identities;
    this.config = config;
  }

  StackRequest production(Grant grant, AccessState access) {
    String partition = config.aws().partition();
    return GrantStacks.production(
        grant,
        access,
        identities.principalArn(grant.production()),
        GrantStacks.verifierRoleArn(grant, partition),
        partition,
        config.aws().permissionsBoundaryName());
  }

  StackRequest development(Grant grant, AccessState access, String roleArn) {
    return GrantStacks.development(
        grant,
        access,
        roleArn,
        identities.principalArn(grant.development()),
        config.aws().partition(),
        config.aws().permissionsBoundaryName());
  }

  /** The production role's ARN as the stack output it, else as it will be. */
  String roleArn(Grant grant, GrantStatusBuilder status) {
    return Objects.requireNonNullElse(
        status.productionStack().getRoleArn(),
        GrantStacks.productionRoleArn(grant, config.aws().partition()));
  }
}
