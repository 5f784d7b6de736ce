package io.xaccess.cloudformation;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A stack as DescribeStacks last showed it.
 *
 * @param since when its latest operation started (deletion, last update or creation time), or null
 *     when CloudFormation did not say
 * @param tags the stack's tags; {@code xaccess.io/uid} names the grant that owns it
 * @param parameters the parameters the stack is deployed with, by name; a NoEcho parameter's value
 *     is masked by CloudFormation ({@code ****})
 */
public record ObservedStack(
    String stackId,
    String stackName,
    String status,
    String statusReason,
    Map<String, String> outputs,
    Instant since,
    Map<String, String> tags,
    Map<String, String> parameters) {

  /** A stack whose parameters are not known. */
  public ObservedStack(
      String stackId,
      String stackName,
      String status,
      String statusReason,
      Map<String, String> outputs,
      Instant since,
      Map<String, String> tags) {
    this(stackId, stackName, status, statusReason, outputs, since, tags, Map.of());
  }

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

  /**
   * The names of the parameters the stack is deployed with: what an update that keeps them all
   * ({@link StackRequest#keepDeployed()}) must name.
   */
  public Set<String> parameterKeys() {
    return parameters.keySet();
  }

  public boolean inProgress() {
    return status.endsWith("_IN_PROGRESS");
  }

  public String output(String key) {
    return outputs.getOrDefault(key, "");
  }

  /** The same stack in another status, with other outputs. */
  public ObservedStack with(String newStatus, Map<String, String> newOutputs) {
    return new ObservedStack(
        stackId, stackName, newStatus, statusReason, newOutputs, since, tags, parameters);
  }
}
