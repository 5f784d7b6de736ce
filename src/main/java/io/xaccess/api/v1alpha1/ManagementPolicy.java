package io.xaccess.api.v1alpha1;

/** Whether the operator manages a grant's AWS resources or only looks at them. */
public enum ManagementPolicy {
  /** Deploy, update, verify and (on deletion) remove the stacks: the runbook. */
  Manage,
  /**
   * Deploy, change and delete nothing: read the stacks the spec names and the role, bucket and key
   * it names, and report whether they hold what the spec would deploy (the drift report). How a
   * grant made by hand (the runbook) is looked at before it is adopted.
   */
  Observe
}
