package io.xaccess.cloudformation;

import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.grant.Grant;
import io.xaccess.grant.Side;
import java.util.Map;
import java.util.Optional;

/**
 * What must hold around the stack operations that can hurt something the grant does not own, kept
 * apart from the rollout because it reaches beyond CloudFormation (S3, KMS).
 */
public interface StackGuard {

  /**
   * Before a stack is created: empty to go ahead, or why not (the grant stalls, nothing is recorded
   * as failed, and the check runs again at the next reconcile).
   */
  Optional<Refusal> beforeCreate(Side side, Grant.Account account, StackRequest request);

  /**
   * A create failed and was rolled back, and CloudFormation retained what the template marks Retain
   * (the bucket, the key): called with the failed stack's own resources before it is deleted, to
   * remove what this grant's stack itself created and holds no data, so nothing is left behind that
   * blocks the next create. A failure leaves the stack as it is, to be retried.
   */
  void failedCreate(
      Side side, Grant.Account account, StackOwner owner, Map<String, String> resources);

  /**
   * Before a stack made by hand, which the grant's spec names and nothing claims, is first updated
   * with the operator's template (adopted): empty to go ahead, or why not. {@code deployedTemplate}
   * is the stack's template as CloudFormation holds it (GetTemplate).
   */
  Optional<Refusal> beforeAdopt(
      Side side, Grant.Account account, StackRequest request, String deployedTemplate);

  /** Why a stack may not be created. */
  record Refusal(Reason reason, String message) {}
}
