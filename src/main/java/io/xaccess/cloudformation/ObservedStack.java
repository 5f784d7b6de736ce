package io.xaccess.cloudformation;

import java.time.Instant;
import java.util.Map;

/**
 * A stack as DescribeStacks last showed it.
 *
 * @param since when its latest operation started (deletion, last update or creation time), or null
 *     when CloudFormation did not say
 * @param tags the stack's tags; {@code xaccess.io/uid} names the grant that owns it
 */
public record ObservedStack(
    String stackId,
    String stackName,
    String status,
    String statusReason,
    Map<String, String> outputs,
    Instant since,
    Map<String, String> tags) {

  /** A stack without tags (an owner nobody can prove). */
  public ObservedStack(
      String stackId,
      String stackName,
      String status,
      String statusReason,
      Map<String, String> outputs,
      Instant since) {
    this(stackId, stackName, status, statusReason, outputs, since, Map.of());
  }

  /** A stack whose operation start is unknown, without tags. */
  public ObservedStack(
      String stackId,
      String stackName,
      String status,
      String statusReason,
      Map<String, String> outputs) {
    this(stackId, stackName, status, statusReason, outputs, null, Map.of());
  }

  public boolean inProgress() {
    return status.endsWith("_IN_PROGRESS");
  }

  public String output(String key) {
    return outputs.getOrDefault(key, "");
  }

  /** The same stack in another status, with other outputs. */
  public ObservedStack with(String newStatus, Map<String, String> newOutputs) {
    return new ObservedStack(stackId, stackName, newStatus, statusReason, newOutputs, since, tags);
  }
}
