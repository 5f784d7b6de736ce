package io.xaccess.api.v1alpha1;

/** Where a grant is in its lifecycle; the conditions carry the details. */
public enum Phase {
  Pending,
  DeployingProduction,
  DeployingDevelopment,
  Verifying,
  Ready,
  /** spec.expiresAt or spec.ttl was reached and the access is closed: intended, not a failure. */
  Expired,
  /**
   * spec.updatePolicy Manual: a change is planned and waits for approval; what is deployed stays.
   */
  AwaitingApproval,
  /**
   * spec.managementPolicy Observe: nothing is deployed or changed; Ready says whether AWS holds
   * what the spec would deploy.
   */
  Observed,
  Failed,
  Deleting
}
