package io.xaccess.cloudformation;

import java.time.Instant;
import java.util.Map;

/**
 * A stack as DescribeStacks last showed it.
 *
 * @param since when its latest operation started (deletion, last update or creation time), or null
 *     when CloudFormation did not say
 */
public record ObservedStack(
    String stackId,
    String stackName,
    String status,
    String statusReason,
    Map<String, String> outputs,
    Instant since) {

  /** A stack whose operation start is unknown. */
  public ObservedStack(
      String stackId,
      String stackName,
      String status,
      String statusReason,
      Map<String, String> outputs) {
    this(stackId, stackName, status, statusReason, outputs, null);
  }

  public boolean inProgress() {
    return status.endsWith("_IN_PROGRESS");
  }

  public String output(String key) {
    return outputs.getOrDefault(key, "");
  }
}
