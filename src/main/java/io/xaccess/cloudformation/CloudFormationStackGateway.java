package io.xaccess.cloudformation;

import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsClients;
import io.xaccess.aws.AwsProblem;
import io.xaccess.aws.AwsProblems;
import io.xaccess.grant.Grant;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.AlreadyExistsException;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetNotFoundException;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationResponse;
import software.amazon.awssdk.services.cloudformation.model.CreateStackResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.ExecutionStatus;
import software.amazon.awssdk.services.cloudformation.model.ListStacksResponse;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ResourceStatus;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackResource;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/** {@link StackGateway} on the AWS SDK. */
@ApplicationScoped
public class CloudFormationStackGateway implements StackGateway {

  /** Every status of a stack in an operation. */
  private static final List<StackStatus> IN_PROGRESS =
      List.of(
          StackStatus.CREATE_IN_PROGRESS,
          StackStatus.UPDATE_IN_PROGRESS,
          StackStatus.UPDATE_COMPLETE_CLEANUP_IN_PROGRESS,
          StackStatus.UPDATE_ROLLBACK_IN_PROGRESS,
          StackStatus.UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS,
          StackStatus.ROLLBACK_IN_PROGRESS,
          StackStatus.DELETE_IN_PROGRESS,
          StackStatus.REVIEW_IN_PROGRESS,
          StackStatus.IMPORT_IN_PROGRESS,
          StackStatus.IMPORT_ROLLBACK_IN_PROGRESS);

  private final AwsClients clients;

  public CloudFormationStackGateway(AwsClients clients) {
    this.clients = clients;
  }

  @Override
  public Optional<ObservedStack> observe(Grant.Account account, String stackName) {
    return call(
        account,
        "describe stack " + stackName,
        () -> {
          try {
            List<Stack> stacks = cfn(account).describeStacks(r -> r.stackName(stackName)).stacks();
            if (stacks.isEmpty()) {
              // CloudFormation answers a missing stack with an error, never with an empty list:
              // an empty answer is a garbled one, and taking it for "gone" could orphan a stack.
              throw garbled("describe stack " + stackName, account);
            }
            return stacks.stream()
                .filter(s -> s.stackStatus() != StackStatus.DELETE_COMPLETE)
                .findFirst()
                .map(CloudFormationStackGateway::observed);
          } catch (AwsServiceException e) {
            if (isMissing(e)) {
              return Optional.<ObservedStack>empty();
            }
            throw e;
          }
        });
  }

  @Override
  public Map<String, String> inProgress(Grant.Account account) {
    return call(
        account,
        "list the stacks in progress",
        () -> {
          Map<String, String> found = new LinkedHashMap<>();
          String token = null;
          do {
            String page = token;
            ListStacksResponse answer =
                cfn(account).listStacks(r -> r.stackStatusFilters(IN_PROGRESS).nextToken(page));
            if (withoutRequestId(answer)) {
              // Not CloudFormation's answer: an empty list from it would wake every grant.
              throw garbled("list the stacks in progress", account);
            }
            answer.stackSummaries().forEach(s -> found.put(s.stackName(), s.stackStatusAsString()));
            token = answer.nextToken();
          } while (token != null && !token.isEmpty());
          return found;
        });
  }

  @Override
  public boolean create(Grant.Account account, StackRequest request) {
    if (request.deployedOnly()) {
      throw new IllegalStateException("a request for a deployed stack only creates none");
    }
    CreateStackResponse created =
        call(
            account,
            "create stack " + request.stackName(),
            () -> {
              try {
                return cfn(account)
                    .createStack(
                        r ->
                            r.stackName(request.stackName())
                                .templateBody(request.template().body())
                                .parameters(parameters(request))
                                .tags(tags(request))
                                .capabilities(Capability.CAPABILITY_NAMED_IAM)
                                .clientRequestToken(request.clientRequestToken()));
              } catch (AlreadyExistsException e) {
                // A create that went through before (or someone else's stack of that name).
                return null;
              }
            });
    return created != null;
  }

  @Override
  public ChangeSetState changeSet(Grant.Account account, String stackName, String changeSetName) {
    return call(
        account,
        "describe change set " + changeSetName,
        () -> {
          DescribeChangeSetResponse cs;
          try {
            cs =
                cfn(account)
                    .describeChangeSet(r -> r.stackName(stackName).changeSetName(changeSetName));
          } catch (ChangeSetNotFoundException e) {
            return ChangeSetState.of(ChangeSetState.Kind.ABSENT);
          } catch (AwsServiceException e) {
            if (isMissing(e)) { // moto's answer for an unknown change set
              return ChangeSetState.of(ChangeSetState.Kind.ABSENT);
            }
            throw e;
          }
          String reason = cs.statusReason() == null ? "" : cs.statusReason();
          if (cs.status() == ChangeSetStatus.FAILED) {
            // CloudFormation words "nothing to do" as a failure; for xaccess it is success.
            boolean noChanges =
                reason.contains("didn't contain changes")
                    || reason.contains("No updates are to be performed");
            return new ChangeSetState(
                noChanges ? ChangeSetState.Kind.NO_CHANGES : ChangeSetState.Kind.FAILED, reason);
          }
          if (cs.executionStatus() == ExecutionStatus.EXECUTE_COMPLETE
              || cs.executionStatus() == ExecutionStatus.EXECUTE_IN_PROGRESS) {
            return ChangeSetState.of(ChangeSetState.Kind.EXECUTED);
          }
          if (cs.status() == ChangeSetStatus.CREATE_COMPLETE
              && cs.executionStatus() == ExecutionStatus.AVAILABLE) {
            return new ChangeSetState(
                ChangeSetState.Kind.READY, "", cs.changeSetId() == null ? "" : cs.changeSetId());
          }
          if (cs.executionStatus() == ExecutionStatus.OBSOLETE) {
            return new ChangeSetState(ChangeSetState.Kind.OBSOLETE, "change set OBSOLETE");
          }
          if (cs.executionStatus() == ExecutionStatus.EXECUTE_FAILED) {
            return new ChangeSetState(
                ChangeSetState.Kind.FAILED, "change set " + cs.executionStatusAsString());
          }
          return ChangeSetState.of(ChangeSetState.Kind.PENDING);
        });
  }

  @Override
  public void createChangeSet(Grant.Account account, StackRequest request) {
    call(
        account,
        "create change set for " + request.stackName(),
        () -> {
          try {
            return cfn(account)
                .createChangeSet(
                    r -> {
                      r.stackName(request.stackName())
                          .changeSetName(request.changeSetName())
                          .changeSetType(ChangeSetType.UPDATE)
                          .parameters(parameters(request))
                          .tags(tags(request))
                          .capabilities(Capability.CAPABILITY_NAMED_IAM)
                          .clientToken(request.changeSetName());
                      if (request.keepDeployed()) {
                        r.usePreviousTemplate(true);
                      } else {
                        r.templateBody(request.template().body());
                      }
                    });
          } catch (AlreadyExistsException e) {
            return null; // created by an earlier attempt
          }
        });
  }

  @Override
  public void executeChangeSet(Grant.Account account, String stackName, String changeSetName) {
    call(
        account,
        "execute change set " + changeSetName,
        () ->
            cfn(account)
                .executeChangeSet(r -> r.stackName(stackName).changeSetName(changeSetName)));
  }

  @Override
  public String template(Grant.Account account, String stackName) {
    return call(
        account,
        "get template of " + stackName,
        () ->
            cfn(account)
                .getTemplate(r -> r.stackName(stackName).templateStage("Original"))
                .templateBody());
  }

  @Override
  public void deleteChangeSet(Grant.Account account, String stackName, String changeSetName) {
    call(
        account,
        "delete change set " + changeSetName,
        () -> {
          try {
            cfn(account).deleteChangeSet(r -> r.stackName(stackName).changeSetName(changeSetName));
          } catch (ChangeSetNotFoundException e) {
            // already gone
          }
          return null;
        });
  }

  @Override
  public void delete(Grant.Account account, String stackId) {
    call(
        account,
        "delete stack " + stackId,
        () -> cfn(account).deleteStack(r -> r.stackName(stackId)));
  }

  @Override
  public void cancelUpdate(Grant.Account account, String stackName) {
    call(
        account,
        "cancel the update of " + stackName,
        () -> cfn(account).cancelUpdateStack(r -> r.stackName(stackName)));
  }

  @Override
  public void continueUpdateRollback(Grant.Account account, String stackName) {
    call(
        account,
        "continue the update rollback of " + stackName,
        () -> cfn(account).continueUpdateRollback(r -> r.stackName(stackName)));
  }

  @Override
  public Map<String, String> resources(Grant.Account account, String stackId) {
    return call(
        account,
        "list the resources of " + stackId,
        () -> {
          Map<String, String> ids = new LinkedHashMap<>();
          for (StackResource resource :
              cfn(account).describeStackResources(r -> r.stackName(stackId)).stackResources()) {
            if (resource.physicalResourceId() != null && !resource.physicalResourceId().isEmpty()) {
              ids.put(resource.logicalResourceId(), resource.physicalResourceId());
            }
          }
          return Collections.unmodifiableMap(ids);
        });
  }

  @Override
  public Optional<String> firstFailure(Grant.Account account, String stackId) {
    return call(
        account,
        "read the events of " + stackId,
        () -> {
          List<StackEvent> events =
              cfn(account).describeStackEvents(r -> r.stackName(stackId)).stackEvents();
          // Newest first: walk back to the start of the latest operation, keep the earliest
          // failure.
          Optional<String> first = Optional.empty();
          for (StackEvent event : events) {
            boolean failed =
                event.resourceStatus() == ResourceStatus.CREATE_FAILED
                    || event.resourceStatus() == ResourceStatus.UPDATE_FAILED
                    || event.resourceStatus() == ResourceStatus.DELETE_FAILED;
            if (failed
                && event.resourceStatusReason() != null
                && !event.logicalResourceId().equals(event.stackName())) {
              first = Optional.of(event.logicalResourceId() + ": " + event.resourceStatusReason());
            }
            boolean operationStart =
                event.logicalResourceId().equals(event.stackName())
                    && event.resourceStatusReason() != null
                    && event.resourceStatusReason().contains("User Initiated");
            if (operationStart) {
              break;
            }
          }
          return first;
        });
  }

  private CloudFormationClient cfn(Grant.Account account) {
    return clients.cloudFormation(account);
  }

  private <T> T call(Grant.Account account, String what, Supplier<T> action) {
    T result;
    try {
      result = action.get();
    } catch (SdkException e) {
      throw AwsProblems.classify(e, what, account.accountId(), AwsClients.describe(account));
    }
    // Every CloudFormation answer carries a request id; a 200 without one (an empty or foreign
    // body from something in between) did not come from CloudFormation, so nothing may be
    // concluded from it - above all not that a create, an update or a delete was started.
    if (result instanceof CloudFormationResponse response && withoutRequestId(response)) {
      throw garbled(what, account);
    }
    return result;
  }

  /** An answer without CloudFormation's request id did not come from CloudFormation. */
  private static boolean withoutRequestId(CloudFormationResponse response) {
    return response.responseMetadata() == null
        || response.responseMetadata().requestId() == null
        || "UNKNOWN".equals(response.responseMetadata().requestId());
  }

  private static AwsProblem garbled(String what, Grant.Account account) {
    return new AwsProblem(
        AwsProblem.Kind.RECOVERABLE,
        Reason.AwsUnavailable,
        "AWS answered without a request id (an empty or garbled answer) trying to "
            + what
            + " in account "
            + account.accountId()
            + "; retrying",
        null);
  }

  private static boolean isMissing(AwsServiceException e) {
    return e.awsErrorDetails() != null
        && "ValidationError".equals(e.awsErrorDetails().errorCode())
        && String.valueOf(e.awsErrorDetails().errorMessage()).contains("does not exist");
  }

  private static ObservedStack observed(Stack s) {
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Output o : s.outputs()) {
      outputs.put(o.outputKey(), o.outputValue() == null ? "" : o.outputValue());
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (Tag t : s.tags()) {
      tags.put(t.key(), t.value());
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (Parameter p : s.parameters()) {
      parameters.put(p.parameterKey(), p.parameterValue() == null ? "" : p.parameterValue());
    }
    return new ObservedStack(
        s.stackId(),
        s.stackName(),
        s.stackStatusAsString(),
        s.stackStatusReason() == null ? "" : s.stackStatusReason(),
        Collections.unmodifiableMap(outputs),
        s.deletionTime() != null
            ? s.deletionTime()
            : s.lastUpdatedTime() != null ? s.lastUpdatedTime() : s.creationTime(),
        Collections.unmodifiableMap(tags),
        Collections.unmodifiableMap(parameters));
  }

  private static List<Parameter> parameters(StackRequest request) {
    List<Parameter> parameters = new java.util.ArrayList<>();
    request
        .parameters()
        .forEach(
            (key, value) ->
                parameters.add(
                    Parameter.builder().parameterKey(key).parameterValue(value).build()));
    // Keeping a deployed stack: every other parameter it has keeps its value (omitted, it would
    // fall back to its default).
    request
        .previousValues()
        .forEach(
            key ->
                parameters.add(
                    Parameter.builder().parameterKey(key).usePreviousValue(true).build()));
    return parameters;
  }

  private static List<Tag> tags(StackRequest request) {
    return request.tags().entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
        .toList();
  }
}
