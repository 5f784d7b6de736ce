package io.xaccess.grant;

/** The two accounts of a grant, in the order the runbook deploys them. */
public enum Side {
  PRODUCTION("production", "-prod"),
  DEVELOPMENT("development", "-dev");

  private final String label;
  private final String stackSuffix;

  Side(String label, String stackSuffix) {
    this.label = label;
    this.stackSuffix = stackSuffix;
  }

  /** Lower-case name, as in messages and metric tags. */
  public String label() {
    return label;
  }

  /** What this side's stack name ends with. */
  public String stackSuffix() {
    return stackSuffix;
  }
}
