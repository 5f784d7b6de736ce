package io.xaccess.cloudformation;

/** Where a named change set is. */
public record ChangeSetState(Kind kind, String reason) {

  /** The states the rollout acts on. */
  public enum Kind {
    ABSENT,
    PENDING,
    READY,
    NO_CHANGES,
    EXECUTED,
    FAILED
  }

  public static ChangeSetState of(Kind kind) {
    return new ChangeSetState(kind, "");
  }
}
