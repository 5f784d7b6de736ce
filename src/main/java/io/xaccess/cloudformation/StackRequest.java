package io.xaccess.cloudformation;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stack a grant wants: template, parameters and tags, and the hash that identifies this exact
 * configuration (it changes when any of them, or a referenced Secret, changes). The parameters may
 * hold the external id, so this record is never logged.
 *
 * @param formerNames names the grant's stack may have from before (used only when owned)
 * @param owner the grant the stack must belong to
 * @param keepDeployed the stack keeps the template and every parameter it is deployed with, except
 *     those {@code parameters} names (CloudFormation's UsePreviousTemplate and UsePreviousValue):
 *     only an existing stack is updated so, none is ever created
 * @param previousValues with {@code keepDeployed}, the deployed parameters sent as UsePreviousValue
 *     (filled in from the stack as observed)
 */
public record StackRequest(
    String stackName,
    StackTemplate template,
    Map<String, String> parameters,
    Map<String, String> tags,
    String configurationHash,
    List<String> formerNames,
    StackOwner owner,
    boolean keepDeployed,
    Set<String> previousValues) {

  /** A request for the whole configuration: template and every parameter. */
  public StackRequest(
      String stackName,
      StackTemplate template,
      Map<String, String> parameters,
      Map<String, String> tags,
      String configurationHash,
      List<String> formerNames,
      StackOwner owner) {
    this(
        stackName,
        template,
        parameters,
        tags,
        configurationHash,
        formerNames,
        owner,
        false,
        Set.of());
  }

  /** The same request for the stack under another of its names. */
  public StackRequest named(String name) {
    return new StackRequest(
        name,
        template,
        parameters,
        tags,
        configurationHash,
        formerNames,
        owner,
        keepDeployed,
        previousValues);
  }

  /**
   * With {@code keepDeployed}, the same request for a stack deployed with {@code deployed}
   * parameters: each one it does not change keeps its value.
   */
  public StackRequest keeping(Set<String> deployed) {
    Set<String> kept = new LinkedHashSet<>(deployed);
    kept.removeAll(parameters.keySet());
    return new StackRequest(
        stackName,
        template,
        parameters,
        tags,
        configurationHash,
        formerNames,
        owner,
        keepDeployed,
        Set.copyOf(kept));
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
    return "StackRequest["
        + stackName
        + ", "
        + (keepDeployed ? "deployed template, changing " + parameters.keySet() : template)
        + ", hash "
        + configurationHash
        + "]";
  }
}
