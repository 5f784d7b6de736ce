package io.xaccess.cloudformation;

import io.xaccess.grant.Grant;
import java.util.Map;
import java.util.Optional;

/**
 * CloudFormation as xaccess uses it, in the project's own types. Every method is one short API call
 * (or two): none waits for a stack. Failures are {@link io.xaccess.aws.AwsProblem}s.
 */
public interface StackGateway {

  /** The stack by name, or empty when there is none (or only a deleted one). */
  Optional<ObservedStack> observe(Grant.Account account, String stackName);

  /**
   * The names and statuses of the account's stacks that are in an operation now (ListStacks with
   * the {@code *_IN_PROGRESS} statuses, every page): one call per page whatever the number of
   * grants, which is what {@code StackWatch} watches stack operations with.
   */
  Map<String, String> inProgress(Grant.Account account);

  /**
   * Starts creating the stack; a repeated call with the same request is harmless. False when a
   * stack of that name exists already (CloudFormation's AlreadyExists), which this call left as it
   * was: the caller looks at it before doing anything with it.
   */
  boolean create(Grant.Account account, StackRequest request);

  ChangeSetState changeSet(Grant.Account account, String stackName, String changeSetName);

  void createChangeSet(Grant.Account account, StackRequest request);

  void executeChangeSet(Grant.Account account, String stackName, String changeSetName);

  /** The template body the stack is deployed with (GetTemplate, as it was submitted). */
  String template(Grant.Account account, String stackName);

  void deleteChangeSet(Grant.Account account, String stackName, String changeSetName);

  /** Starts deleting the stack. */
  void delete(Grant.Account account, String stackId);

  /** Cancels an update in progress; CloudFormation then rolls the stack back. */
  void cancelUpdate(Grant.Account account, String stackName);

  void continueUpdateRollback(Grant.Account account, String stackName);

  /**
   * The physical ids of the stack's resources by logical id (the bucket's name, the key's id): what
   * this stack itself created, as CloudFormation records it.
   */
  Map<String, String> resources(Grant.Account account, String stackId);

  /** The reason of the first resource that failed in the stack's latest operation. */
  Optional<String> firstFailure(Grant.Account account, String stackId);
}
