package io.xaccess.api.v1alpha1;

/** The condition types a CrossAccountAccess reports: the kstatus three, then one per step. */
public enum ConditionType {
  /** Both stacks deployed and access proven. */
  Ready,
  /** Something is in progress (or being retried). */
  Reconciling,
  /** A problem needs the user; nothing is retried until the spec or a Secret changes. */
  Stalled,
  /** The production stack holds the desired configuration. */
  ProductionStackReady,
  /** The development stack holds the desired configuration. */
  DevelopmentStackReady,
  /** The last proof of access succeeded. */
  AccessVerified,
  /**
   * Present with spec.updatePolicy Manual: True while a plan waits for approval (or an approval is
   * refused), False once the deployed configuration is the spec's.
   */
  ApprovalPending,
  /**
   * Present once a deployed grant's live configuration was compared with what its production stack
   * declares: True while AWS differs (driftPolicy Report, or a repair that failed), False when it
   * matches or was repaired, Unknown when AWS could not be read.
   */
  Drifted,
  /** Present and False when {@code trust.requireMfa} cannot be met by some principals. */
  MfaEnforceable
}
