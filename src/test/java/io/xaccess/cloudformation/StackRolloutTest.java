package io.xaccess.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xaccess.grant.Grant;
import io.xaccess.metrics.GrantMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout's decisions for every stack state, against an in-memory CloudFormation. */
class StackRolloutTest {

  private static final Grant.Account ACCOUNT =
      new Grant.Account("111111111111", "us-east-1", new Grant.Credentials.OperatorIdentity());
  private static final StackRequest DESIRED =
      new StackRequest(
          "xaccess-ns-a-prod", StackTemplate.PRODUCTION, Map.of(), Map.of(), "a".repeat(64));
  private static final String OLD = "b".repeat(64);

  private final FakeGateway cfn = new FakeGateway();
  private final StackRollout rollout =
      new StackRollout(cfn, new GrantMetrics(new SimpleMeterRegistry()));

  @Test
  void createsAMissingStackOnce() {
    StackProgress progress = rollout.advance("production", ACCOUNT, DESIRED, null, null);

    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(progress.appliedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(progress.started()).as("a just-started create is looked at soon").isTrue();
    assertThat(cfn.calls).containsExactly("observe", "create");
  }

  @Test
  void waitsWhileInProgress() {
    cfn.stack = stack("UPDATE_IN_PROGRESS");
    StackProgress progress = rollout.advance("production", ACCOUNT, DESIRED, OLD, null);
    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(progress.started()).as("one found under way waits a poll interval").isFalse();
    assertThat(cfn.calls).containsExactly("observe");
  }

  @Test
  void isReadyWhenTheAppliedConfigurationIsTheDesiredOne() {
    cfn.stack = stack("CREATE_COMPLETE");
    StackProgress progress =
        rollout.advance("production", ACCOUNT, DESIRED, DESIRED.configurationHash(), null);
    assertThat(progress.ready()).isTrue();
    assertThat(progress.outputs()).containsEntry("RoleArn", "arn:aws:iam::111111111111:role/r");
    assertThat(cfn.calls).containsExactly("observe");
  }

  @Test
  void updatesThroughANamedChangeSet() {
    cfn.stack = stack("CREATE_COMPLETE");
    cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.ABSENT);
    assertThat(rollout.advance("production", ACCOUNT, DESIRED, OLD, null).state())
        .isEqualTo(StackProgress.State.IN_PROGRESS);
    cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.READY);
    StackProgress executing = rollout.advance("production", ACCOUNT, DESIRED, OLD, null);

    assertThat(executing.appliedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(cfn.calls)
        .containsExactly(
            "observe", "changeSet", "createChangeSet", "observe", "changeSet", "executeChangeSet");
  }

  @Test
  void noChangesIsSuccess() {
    cfn.stack = stack("UPDATE_COMPLETE");
    cfn.changeSet =
        new ChangeSetState(
            ChangeSetState.Kind.NO_CHANGES, "The submitted information didn't contain changes.");
    StackProgress progress = rollout.advance("production", ACCOUNT, DESIRED, OLD, null);
    assertThat(progress.ready()).isTrue();
    assertThat(progress.appliedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(cfn.calls).contains("deleteChangeSet");
  }

  @Test
  void aFailedCreateIsDeletedReportedWithItsFirstFailureAndNotRetried() {
    cfn.stack = stack("ROLLBACK_COMPLETE");
    cfn.failure = Optional.of("Bucket: acme already exists");
    StackProgress failed =
        rollout.advance("production", ACCOUNT, DESIRED, DESIRED.configurationHash(), null);

    assertThat(failed.state()).isEqualTo(StackProgress.State.FAILED);
    assertThat(failed.message()).contains("Bucket: acme already exists");
    assertThat(failed.failedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(cfn.calls).contains("delete");

    cfn.stack = null;
    cfn.calls.clear();
    StackProgress again =
        rollout.advance("production", ACCOUNT, DESIRED, null, failed.failedHash());
    assertThat(again.state()).isEqualTo(StackProgress.State.FAILED);
    assertThat(cfn.calls).containsExactly("observe"); // no new create for the same configuration
  }

  @Test
  void aChangedConfigurationIsTriedAgainAfterAFailure() {
    StackProgress progress = rollout.advance("production", ACCOUNT, DESIRED, null, OLD);
    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.calls).containsExactly("observe", "create");
  }

  @Test
  void aFailedUpdateRollbackIsContinued() {
    cfn.stack = stack("UPDATE_ROLLBACK_FAILED");
    assertThat(
            rollout
                .advance("production", ACCOUNT, DESIRED, DESIRED.configurationHash(), null)
                .state())
        .isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.calls).contains("continueUpdateRollback");
  }

  @Test
  void aRolledBackUpdateOfTheDesiredConfigurationFails() {
    cfn.stack = stack("UPDATE_ROLLBACK_COMPLETE");
    cfn.failure = Optional.of("Role: policy too large");
    StackProgress progress =
        rollout.advance("production", ACCOUNT, DESIRED, DESIRED.configurationHash(), null);
    assertThat(progress.state()).isEqualTo(StackProgress.State.FAILED);
    assertThat(progress.message()).contains("policy too large");
  }

  @Test
  void removalWaitsForOperationsAndIsDoneWhenTheStackIsGone() {
    cfn.stack = stack("UPDATE_IN_PROGRESS");
    assertThat(rollout.remove("production", ACCOUNT, "s").state())
        .isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.calls).doesNotContain("delete");
    cfn.stack = stack("CREATE_COMPLETE");
    StackProgress deleting = rollout.remove("production", ACCOUNT, "s");
    assertThat(deleting.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(deleting.started()).isTrue();
    assertThat(cfn.calls).contains("delete");
    cfn.stack = null;
    assertThat(rollout.remove("production", ACCOUNT, "s").state())
        .isEqualTo(StackProgress.State.GONE);
  }

  private static ObservedStack stack(String status) {
    return new ObservedStack(
        "arn:stack/id",
        "xaccess-ns-a-prod",
        status,
        "",
        Map.of("RoleArn", "arn:aws:iam::111111111111:role/r"));
  }

  /** CloudFormation in memory: answers what the test sets and records the calls. */
  private static final class FakeGateway implements StackGateway {
    ObservedStack stack;
    ChangeSetState changeSet = ChangeSetState.of(ChangeSetState.Kind.ABSENT);
    Optional<String> failure = Optional.empty();
    final List<String> calls = new ArrayList<>();

    @Override
    public Optional<ObservedStack> observe(Grant.Account account, String stackName) {
      calls.add("observe");
      return Optional.ofNullable(stack);
    }

    @Override
    public void create(Grant.Account account, StackRequest request) {
      calls.add("create");
    }

    @Override
    public ChangeSetState changeSet(Grant.Account account, String stackName, String changeSetName) {
      calls.add("changeSet");
      return changeSet;
    }

    @Override
    public void createChangeSet(Grant.Account account, StackRequest request) {
      calls.add("createChangeSet");
    }

    @Override
    public void executeChangeSet(Grant.Account account, String stackName, String changeSetName) {
      calls.add("executeChangeSet");
    }

    @Override
    public void deleteChangeSet(Grant.Account account, String stackName, String changeSetName) {
      calls.add("deleteChangeSet");
    }

    @Override
    public void delete(Grant.Account account, String stackId) {
      calls.add("delete");
    }

    @Override
    public void continueUpdateRollback(Grant.Account account, String stackName) {
      calls.add("continueUpdateRollback");
    }

    @Override
    public Optional<String> firstFailure(Grant.Account account, String stackId) {
      return failure;
    }
  }
}
