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
 * @param scope whether the stack may be created, and whether it keeps what it is deployed with
 * @param previousValues with {@link Scope#KEEP_DEPLOYED}, the deployed parameters sent as
 *     UsePreviousValue (filled in from the stack as observed)
 */
public record StackRequest(
    String stackName,
    StackTemplate template,
    Map<String, String> parameters,
    Map<String, String> tags,
    String configurationHash,
    List<String> formerNames,
    StackOwner owner,
    Scope scope,
    Set<String> previousValues) {

  /** How far a request may go. */
  public enum Scope {
    /** Create the stack, or update it to this configuration. */
    ANY,
    /** Update the stack to this configuration if it is deployed; create none. */
    EXISTING,
    /**
     * As {@link #EXISTING}, keeping the template and every parameter the stack is deployed with,
     * except those the request names (CloudFormation's UsePreviousTemplate and UsePreviousValue).
     */
    KEEP_DEPLOYED
  }

  /** A request that may create the stack: its whole configuration, template and parameters. */
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
        Scope.ANY,
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
        scope,
        previousValues);
  }

  /** The same request, for the stack only if it is deployed: none is created. */
  public StackRequest existingOnly() {
    return new StackRequest(
        stackName,
        template,
        parameters,
        tags,
        configurationHash,
        formerNames,
        owner,
        scope == Scope.ANY ? Scope.EXISTING : scope,
        previousValues);
  }

  /** Whether only a deployed stack may be changed: none is created, cleaned up or deleted. */
  public boolean deployedOnly() {
    return scope != Scope.ANY;
  }

  /** Whether the stack keeps its template and every parameter this request does not name. */
  public boolean keepDeployed() {
    return scope == Scope.KEEP_DEPLOYED;
  }

  /**
   * With {@link Scope#KEEP_DEPLOYED}, the same request for a stack deployed with {@code deployed}
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
        scope,
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
        + (keepDeployed() ? "deployed template, changing " + parameters.keySet() : template)
        + ", hash "
        + configurationHash
        + "]";
  }
}
