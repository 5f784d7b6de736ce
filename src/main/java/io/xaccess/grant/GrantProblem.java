package io.xaccess.grant;

/**
 * Something a user must fix before the grant can proceed (a missing Secret or key): terminal, so
 * the grant stalls instead of retrying, with a reason and a message that says what to do.
 */
public class GrantProblem extends Exception {

  private final String reason;

  public GrantProblem(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A CamelCase reason for the Stalled condition, such as SecretNotFound. */
  public String reason() {
    return reason;
  }
}
