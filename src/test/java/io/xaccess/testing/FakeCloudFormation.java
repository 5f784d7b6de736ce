package io.xaccess.testing;

import io.xaccess.cloudformation.ChangeSetState;
import io.xaccess.cloudformation.ObservedStack;
import io.xaccess.cloudformation.StackGateway;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.grant.Arns;
import io.xaccess.grant.Grant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CloudFormation in memory, for unit tests of the rollout and the reconciler: stacks by name with
 * the outputs the real templates declare, operations left in progress until {@link #completeAll()}
 * (or finished at once with {@link #instant}), every call recorded, and failures injected where a
 * test asks.
 */
public final class FakeCloudFormation implements StackGateway {

  /** The calls made, by method name, in order. */
  public final List<String> calls = new ArrayList<>();

  /** What the next {@code changeSet} look-up answers. */
  public ChangeSetState changeSet = ChangeSetState.of(ChangeSetState.Kind.ABSENT);

  /** What {@code firstFailure} answers. */
  public Optional<String> failure = Optional.empty();

  /** Operations finish within the call that starts them. */
  public boolean instant;

  /** Thrown by every call while set (an AWS problem, or anything else). */
  public RuntimeException failing;

  /** Every change set requested, in order. */
  public final List<StackRequest> changeSets = new ArrayList<>();

  /** The parameters each stack was last created or given a change set with, by stack name. */
  public final Map<String, Map<String, String>> parameters = new LinkedHashMap<>();

  private final Map<String, ObservedStack> stacks = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> resources = new LinkedHashMap<>();

  public void put(ObservedStack stack) {
    stacks.put(stack.stackName(), stack);
  }

  public Optional<ObservedStack> stack(String name) {
    return Optional.ofNullable(stacks.get(name));
  }

  public void remove(String name) {
    stacks.remove(name);
  }

  public int stackCount() {
    return stacks.size();
  }

  /** Every operation in progress ends as it does on success; a deletion removes the stack. */
  public void completeAll() {
    for (ObservedStack s : List.copyOf(stacks.values())) {
      switch (s.status()) {
        case "CREATE_IN_PROGRESS" -> status(s, "CREATE_COMPLETE");
        case "UPDATE_IN_PROGRESS" -> status(s, "UPDATE_COMPLETE");
        case "UPDATE_ROLLBACK_IN_PROGRESS" -> status(s, "UPDATE_ROLLBACK_COMPLETE");
        case "DELETE_IN_PROGRESS" -> stacks.remove(s.stackName());
        default -> {}
      }
    }
  }

  /** Sets a stack's status (as CloudFormation moving it on would). */
  public void status(ObservedStack stack, String status) {
    put(
        new ObservedStack(
            stack.stackId(),
            stack.stackName(),
            status,
            stack.statusReason(),
            status.endsWith("_COMPLETE") && !status.contains("ROLLBACK")
                ? outputs.getOrDefault(stack.stackName(), Map.of())
                : stack.outputs(),
            stack.since(),
            stack.tags(),
            stack.parameters()));
  }

  @Override
  public Optional<ObservedStack> observe(Grant.Account account, String stackName) {
    call("observe");
    return Optional.ofNullable(stacks.get(stackName));
  }

  /** Run inside each in-progress listing, after the question was asked (a race, for tests). */
  public Runnable onList;

  /** Accounts whose in-progress listing was asked for, in order. */
  public final List<Grant.Account> listed = new ArrayList<>();

  @Override
  public Map<String, String> inProgress(Grant.Account account) {
    call("inProgress");
    listed.add(account);
    if (onList != null) {
      onList.run();
    }
    Map<String, String> found = new LinkedHashMap<>();
    stacks.values().stream()
        .filter(s -> s.status().endsWith("_IN_PROGRESS"))
        .forEach(s -> found.put(s.stackName(), s.status()));
    return found;
  }

  @Override
  public boolean create(Grant.Account account, StackRequest request) {
    call("create");
    String name = request.stackName();
    if (stacks.containsKey(name)) {
      return false; // AlreadyExists: the stack is left as it is
    }
    parameters.put(name, Map.copyOf(request.parameters()));
    templates.put(name, request.template().body());
    outputs.put(name, outputsOf(account, request));
    resources.put(name, resourcesOf(request));
    ObservedStack created =
        new ObservedStack(
            "arn:aws:cloudformation:"
                + account.region()
                + ":"
                + account.accountId()
                + ":stack/"
                + name
                + "/"
                + stacks.size(),
            name,
            "CREATE_IN_PROGRESS",
            "",
            Map.of(),
            null,
            Map.copyOf(request.tags()),
            Map.copyOf(request.parameters()));
    put(created);
    if (instant) {
      status(created, "CREATE_COMPLETE");
    }
    return true;
  }

  @Override
  public ChangeSetState changeSet(Grant.Account account, String stackName, String changeSetName) {
    call("changeSet");
    return changeSet;
  }

  @Override
  public void createChangeSet(Grant.Account account, StackRequest request) {
    call("createChangeSet");
    changeSets.add(request);
    Map<String, String> next;
    if (request.keepDeployed()) {
      // UsePreviousTemplate and UsePreviousValue: what the request names changes, nothing else.
      Map<String, String> kept = new LinkedHashMap<>();
      Map<String, String> deployed = parameters.get(request.stackName());
      for (String key : request.previousValues()) {
        if (deployed != null && !deployed.containsKey(key)) {
          throw new IllegalStateException(key + " is not a parameter of " + request.stackName());
        }
        if (deployed != null) {
          kept.put(key, deployed.get(key));
        }
      }
      kept.putAll(request.parameters());
      next = Map.copyOf(kept);
    } else {
      next = Map.copyOf(request.parameters());
    }
    // Applied when executed, as CloudFormation does: a change set waiting changes nothing.
    pending.put(
        request.changeSetName(),
        new Pending(next, request.keepDeployed() ? null : outputsOf(account, request)));
  }

  private record Pending(Map<String, String> parameters, Map<String, String> outputs) {}

  private final Map<String, Pending> pending = new LinkedHashMap<>();

  @Override
  public void executeChangeSet(Grant.Account account, String stackName, String changeSetName) {
    call("executeChangeSet");
    Pending change = pending.remove(changeSetName);
    if (change != null) {
      parameters.put(stackName, change.parameters());
      if (change.outputs() != null) {
        outputs.put(stackName, change.outputs());
      }
    }
    status(stacks.get(stackName), instant ? "UPDATE_COMPLETE" : "UPDATE_IN_PROGRESS");
  }

  /** Template bodies GetTemplate answers with, by stack name: the one each was created with. */
  public final Map<String, String> templates = new java.util.HashMap<>();

  @Override
  public String template(Grant.Account account, String stackName) {
    call("template");
    return templates.getOrDefault(stackName, "");
  }

  @Override
  public void deleteChangeSet(Grant.Account account, String stackName, String changeSetName) {
    call("deleteChangeSet");
  }

  @Override
  public void delete(Grant.Account account, String stackId) {
    call("delete");
    stacks.values().stream()
        .filter(s -> s.stackId().equals(stackId))
        .findFirst()
        .ifPresent(
            s -> {
              if (instant) {
                stacks.remove(s.stackName());
              } else {
                status(s, "DELETE_IN_PROGRESS");
              }
            });
  }

  @Override
  public void cancelUpdate(Grant.Account account, String stackName) {
    call("cancelUpdate");
    status(stacks.get(stackName), "UPDATE_ROLLBACK_IN_PROGRESS");
  }

  @Override
  public void continueUpdateRollback(Grant.Account account, String stackName) {
    call("continueUpdateRollback");
    status(stacks.get(stackName), "UPDATE_ROLLBACK_IN_PROGRESS");
  }

  @Override
  public Map<String, String> resources(Grant.Account account, String stackId) {
    call("resources");
    return stacks.values().stream()
        .filter(s -> s.stackId().equals(stackId))
        .findFirst()
        .map(s -> resources.getOrDefault(s.stackName(), Map.of()))
        .orElse(Map.of());
  }

  @Override
  public Optional<String> firstFailure(Grant.Account account, String stackId) {
    call("firstFailure");
    return failure;
  }

  private void call(String name) {
    calls.add(name);
    if (failing != null) {
      throw failing;
    }
  }

  /** The physical resources the production template makes for these parameters. */
  private static Map<String, String> resourcesOf(StackRequest request) {
    Map<String, String> p = request.parameters();
    Map<String, String> r = new LinkedHashMap<>();
    if (p.containsKey("RoleName")) {
      r.put("Role", p.get("RoleName"));
      if ("true".equals(p.get("CreateBucket"))) {
        r.put("Bucket", p.get("BucketName"));
      }
      if ("KMS".equals(p.get("Encryption"))) {
        r.put("Key", "k-" + p.get("BucketName"));
      }
      if ("true".equals(p.get("ManageBucketPolicy"))) {
        r.put("BucketPolicy", p.get("BucketName"));
      }
    }
    return r;
  }

  /** The outputs the real templates declare, derived from the request's parameters. */
  private static Map<String, String> outputsOf(Grant.Account account, StackRequest request) {
    Map<String, String> p = request.parameters();
    Map<String, String> o = new LinkedHashMap<>();
    String acct = account.accountId();
    if (p.containsKey("RoleName")) {
      o.put("RoleArn", Arns.role("aws", acct, p.get("RoleName")));
      o.put("BucketArn", "arn:aws:s3:::" + p.get("BucketName"));
      o.put(
          "KmsKeyArn",
          switch (p.get("Encryption")) {
            case "KMS" ->
                "arn:aws:kms:" + account.region() + ":" + acct + ":key/k-" + p.get("BucketName");
            case "EXISTING_KEY" -> p.get("ExistingKmsKeyArn");
            default -> "";
          });
      o.put("BucketPolicy", "true".equals(p.get("ManageBucketPolicy")) ? "Managed" : "Unmanaged");
    } else {
      o.put("AssumePolicyArn", "arn:aws:iam::" + acct + ":policy/xaccess-assume");
      o.put("VerifierRoleArn", Arns.role("aws", acct, p.get("VerifierRoleName")));
      o.put(
          "AssumerRoleArn",
          "true".equals(p.get("CreateAssumerRole"))
              ? Arns.role("aws", acct, p.get("AssumerRoleName"))
              : "");
    }
    return o;
  }
}
