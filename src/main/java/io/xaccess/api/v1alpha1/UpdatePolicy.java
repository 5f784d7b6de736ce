package io.xaccess.api.v1alpha1;

/** How a change of a grant reaches AWS. */
public enum UpdatePolicy {
  /** Every change is deployed as soon as it is seen. */
  Automatic,
  /**
   * A change that would alter the access (the first deployment included) is prepared as
   * CloudFormation change sets and a plan in status, and deployed only once approved with the
   * plan's hash. Closing the access at its end and revoking sessions are never held back.
   */
  Manual
}
