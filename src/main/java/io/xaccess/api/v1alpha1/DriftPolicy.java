package io.xaccess.api.v1alpha1;

/** What the operator does when AWS no longer holds what a grant's production stack declares. */
public enum DriftPolicy {
  /**
   * Put the declared configuration back with direct calls on the stack's own resources, prove the
   * access again, and record the repair in status and an Event.
   */
  Repair,
  /** Report the drift in the Drifted condition, an Event and a metric; change nothing in AWS. */
  Report
}
