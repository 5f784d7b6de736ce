package io.xaccess.aws;

import io.xaccess.api.v1alpha1.Reason;

/**
 * A failed AWS call in the project's own terms: whether retrying can help, the reason for the
 * condition, and a message that says what happened and what to fix. Never carries a secret.
 */
public class AwsProblem extends RuntimeException {

  /** Whether retrying without a change can succeed. */
  public enum Kind {
    /** Throttling, 5xx, timeouts, connection failures: back off and retry. */
    RECOVERABLE,
    /** Access denied, invalid or expired credentials, validation: wait for the user. */
    TERMINAL
  }

  private final Kind kind;
  private final Reason reason;

  public AwsProblem(Kind kind, Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.reason = reason;
  }

  public Kind kind() {
    return kind;
  }

  public Reason reason() {
    return reason;
  }

  public boolean terminal() {
    return kind == Kind.TERMINAL;
  }
}
