package io.xaccess.cloudformation;

import java.util.Map;

/** A stack as DescribeStacks last showed it. */
public record ObservedStack(
    String stackId,
    String stackName,
    String status,
    String statusReason,
    Map<String, String> outputs) {

  public boolean inProgress() {
    return status.endsWith("_IN_PROGRESS");
  }

  public String output(String key) {
    return outputs.getOrDefault(key, "");
  }
}
