package io.xaccess.grant;

import io.xaccess.api.v1alpha1.Reason;

/**
 * Something a user must fix before the grant can proceed (a missing Secret or key): terminal, so
 * the grant stalls instead of retrying, with a reason and a message that says what to do.
 */
public class GrantProblem extends Exception {

  private final Reason reason;

  public GrantProblem(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The reason for the Stalled condition, such as SecretNotFound. */
  public Reason reason() {
    return reason;
  }
}
