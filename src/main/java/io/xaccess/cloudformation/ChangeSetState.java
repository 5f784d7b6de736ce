package io.xaccess.cloudformation;

/**
 * Where a named change set is.
 *
 * @param id the change set's ARN, when CloudFormation said it; empty otherwise
 */
public record ChangeSetState(Kind kind, String reason, String id) {

  /** The states the rollout acts on. */
  public enum Kind {
    ABSENT,
    PENDING,
    READY,
    NO_CHANGES,
    EXECUTED,
    /** Made before the stack last changed: CloudFormation will not execute it. */
    OBSOLETE,
    FAILED
  }

  public ChangeSetState(Kind kind, String reason) {
    this(kind, reason, "");
  }

  public static ChangeSetState of(Kind kind) {
    return new ChangeSetState(kind, "");
  }
}
