package io.xaccess.cloudformation;

import java.util.List;
import java.util.Map;

/**
 * The stack a grant wants: template, parameters and tags, and the hash that identifies this exact
 * configuration (it changes when any of them, or a referenced Secret, changes). The parameters may
 * hold the external id, so this record is never logged.
 *
 * @param formerNames names the grant's stack may have from before (used only when owned)
 * @param owner the grant the stack must belong to
 */
public record StackRequest(
    String stackName,
    StackTemplate template,
    Map<String, String> parameters,
    Map<String, String> tags,
    String configurationHash,
    List<String> formerNames,
    StackOwner owner) {

  /** The same request for the stack under another of its names. */
  public StackRequest named(String name) {
    return new StackRequest(
        name, template, parameters, tags, configurationHash, formerNames, owner);
  }

  /** The change set that rolls out this configuration; deterministic, so a retry finds it. */
  public String changeSetName() {
    return "xaccess-" + configurationHash.substring(0, 32);
  }

  /** Idempotency token for CreateStack. */
  public String clientRequestToken() {
    return "xaccess-create-" + configurationHash.substring(0, 32);
  }

  @Override
  public String toString() {
    return "StackRequest[" + stackName + ", " + template + ", hash " + configurationHash + "]";
  }
}
