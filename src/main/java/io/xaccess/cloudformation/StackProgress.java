package io.xaccess.cloudformation;

import io.xaccess.api.v1alpha1.Reason;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where one stack stands after a rollout step, in terms the status builder understands.
 *
 * @param state the outcome of the step
 * @param stackId the stack's ARN, when it exists
 * @param stackStatus CloudFormation's status of the stack, when it exists
 * @param outputs the stack's outputs (empty until it is ready)
 * @param appliedHash the configuration the stack now has or is moving to
 * @param failedHash a configuration that failed and is not to be retried, or null
 * @param reason the reason for the stack's condition
 * @param message what happened, in words
 */
public record StackProgress(
    State state,
    String stackId,
    String stackStatus,
    Map<String, String> outputs,
    String appliedHash,
    String failedHash,
    Reason reason,
    String message) {

  private static final Set<Reason> STARTED =
      EnumSet.of(
          Reason.Creating,
          Reason.Updating,
          Reason.RecoveringRollback,
          Reason.DeleteStarted,
          Reason.CancellingUpdate);

  /**
   * This step started a stack operation (create, update, delete, continue rollback), as opposed to
   * finding one under way: the first look at it can come sooner than the poll interval.
   */
  public boolean started() {
    return state == State.IN_PROGRESS && STARTED.contains(reason);
  }

  /** The outcomes of a step. */
  public enum State {
    /** Deployed with the desired configuration; outputs are usable. */
    READY,
    /** An operation is under way; look again soon. */
    IN_PROGRESS,
    /** The desired configuration failed; waits for a change of the spec or a Secret. */
    FAILED,
    /** (Deletion) the stack is gone. */
    GONE,
    /**
     * The stack may not be touched: the one under the grant's name is someone else's, or creating
     * it would take over something the grant does not own. Nothing is recorded; checked again at
     * the next reconcile.
     */
    CONFLICT
  }

  /**
   * A stack that may not be touched: nothing of it is reported, and the hashes stay as they were.
   */
  public static StackProgress conflict(
      String appliedHash, String failedHash, Reason reason, String message) {
    return new StackProgress(
        State.CONFLICT, null, null, Map.of(), appliedHash, failedHash, reason, message);
  }

  /** An operation in progress for longer than CloudFormation normally takes. */
  public boolean stuck() {
    return state == State.IN_PROGRESS && reason == Reason.StackStuck;
  }

  public boolean ready() {
    return state == State.READY;
  }
}
