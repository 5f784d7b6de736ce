package io.xaccess.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xaccess.grant.Grant;
import io.xaccess.grant.Side;
import io.xaccess.metrics.GrantMetrics;
import io.xaccess.testing.FakeCloudFormation;
import io.xaccess.testing.TestClock;
import io.xaccess.testing.TestSettings;
import java.time.Instant;
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

  private final FakeCloudFormation cfn = new FakeCloudFormation();
  private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final StackRollout rollout =
      new StackRollout(cfn, new GrantMetrics(new SimpleMeterRegistry()), new TestSettings(), clock);

  @Test
  void createsAMissingStackOnce() {
    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, null);

    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(progress.appliedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(progress.started()).as("a just-started create is looked at soon").isTrue();
    assertThat(cfn.calls).containsExactly("observe", "create");
  }

  @Test
  void waitsWhileInProgress() {
    cfn.put(stack("UPDATE_IN_PROGRESS"));
    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, OLD, null);
    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(progress.started()).as("one found under way waits a poll interval").isFalse();
    assertThat(cfn.calls).containsExactly("observe");
  }

  @Test
  void isReadyWhenTheAppliedConfigurationIsTheDesiredOne() {
    cfn.put(stack("CREATE_COMPLETE"));
    StackProgress progress =
        rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, DESIRED.configurationHash(), null);
    assertThat(progress.ready()).isTrue();
    assertThat(progress.outputs()).containsEntry("RoleArn", "arn:aws:iam::111111111111:role/r");
    assertThat(cfn.calls).containsExactly("observe");
  }

  @Test
  void updatesThroughANamedChangeSet() {
    cfn.put(stack("CREATE_COMPLETE"));
    cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.ABSENT);
    assertThat(rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, OLD, null).state())
        .isEqualTo(StackProgress.State.IN_PROGRESS);
    cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.READY);
    StackProgress executing = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, OLD, null);

    assertThat(executing.appliedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(cfn.calls)
        .containsExactly(
            "observe", "changeSet", "createChangeSet", "observe", "changeSet", "executeChangeSet");
  }

  @Test
  void noChangesIsSuccess() {
    cfn.put(stack("UPDATE_COMPLETE"));
    cfn.changeSet =
        new ChangeSetState(
            ChangeSetState.Kind.NO_CHANGES, "The submitted information didn't contain changes.");
    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, OLD, null);
    assertThat(progress.ready()).isTrue();
    assertThat(progress.appliedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(cfn.calls).contains("deleteChangeSet");
  }

  @Test
  void aFailedCreateIsDeletedReportedWithItsFirstFailureAndNotRetried() {
    cfn.put(stack("ROLLBACK_COMPLETE"));
    cfn.failure = Optional.of("Bucket: acme already exists");
    StackProgress failed =
        rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, DESIRED.configurationHash(), null);

    assertThat(failed.state()).isEqualTo(StackProgress.State.FAILED);
    assertThat(failed.message()).contains("Bucket: acme already exists");
    assertThat(failed.failedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(cfn.calls).contains("delete");

    cfn.remove(DESIRED.stackName());
    cfn.calls.clear();
    StackProgress again =
        rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, failed.failedHash());
    assertThat(again.state()).isEqualTo(StackProgress.State.FAILED);
    assertThat(cfn.calls).containsExactly("observe"); // no new create for the same configuration
  }

  @Test
  void aChangedConfigurationIsTriedAgainAfterAFailure() {
    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, OLD);
    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.calls).containsExactly("observe", "create");
  }

  @Test
  void aFailedUpdateRollbackIsContinued() {
    cfn.put(stack("UPDATE_ROLLBACK_FAILED"));
    assertThat(
            rollout
                .advance(Side.PRODUCTION, ACCOUNT, DESIRED, DESIRED.configurationHash(), null)
                .state())
        .isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.calls).contains("continueUpdateRollback");
  }

  @Test
  void aRolledBackUpdateOfTheDesiredConfigurationFails() {
    cfn.put(stack("UPDATE_ROLLBACK_COMPLETE"));
    cfn.failure = Optional.of("Role: policy too large");
    StackProgress progress =
        rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, DESIRED.configurationHash(), null);
    assertThat(progress.state()).isEqualTo(StackProgress.State.FAILED);
    assertThat(progress.message()).contains("policy too large");
  }

  @Test
  void removalWaitsForOperationsAndIsDoneWhenTheStackIsGone() {
    cfn.put(stack("UPDATE_IN_PROGRESS"));
    assertThat(rollout.remove(Side.PRODUCTION, ACCOUNT, DESIRED.stackName()).state())
        .isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.calls).doesNotContain("delete");
    cfn.put(stack("CREATE_COMPLETE"));
    StackProgress deleting = rollout.remove(Side.PRODUCTION, ACCOUNT, DESIRED.stackName());
    assertThat(deleting.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(deleting.started()).isTrue();
    assertThat(cfn.calls).contains("delete");
    cfn.remove(DESIRED.stackName());
    assertThat(rollout.remove(Side.PRODUCTION, ACCOUNT, DESIRED.stackName()).state())
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
}
