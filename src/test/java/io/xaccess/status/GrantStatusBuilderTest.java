package io.xaccess.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.grant.Side;
import io.xaccess.status.GrantStatusBuilder.Step;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Phase and conditions are derived from the observed steps, kstatus-style. */
class GrantStatusBuilderTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T01:00:00Z");

  @Test
  void allStepsDoneIsReadyAndNotReconciling() {
    CrossAccountAccessStatus status = ready(null, 3, T0);

    assertThat(status.getPhase()).isEqualTo(Phase.Ready);
    assertThat(status.getObservedGeneration()).isEqualTo(3);
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Stalled").getStatus()).isEqualTo("False");
    assertThat(status.getConditions()).allMatch(c -> c.getObservedGeneration() == 3);
  }

  @Test
  void lastTransitionTimeIsKeptWhileTheStatusDoesNotChange() {
    CrossAccountAccessStatus first = ready(null, 1, T0);
    CrossAccountAccessStatus second = ready(first, 2, T1);

    assertThat(condition(second, "Ready").getLastTransitionTime())
        .isEqualTo("2026-01-01T00:00:00Z");
    CrossAccountAccessStatus stalled =
        new GrantStatusBuilder(second, 3, T1).stalled(Reason.SecretNotFound, "create it").build();
    assertThat(condition(stalled, "Ready").getLastTransitionTime())
        .isEqualTo("2026-01-01T01:00:00Z");
  }

  @Test
  void aConditionThatChangesIsStampedWhenTheStatusIsWrittenNotWhenTheReconcileStarted() {
    CrossAccountAccessStatus stalled =
        new GrantStatusBuilder(null, 1, T0).stalled(Reason.SecretNotFound, "create it").build();
    // One reconcile deploys both stacks and proves the access: it takes seconds.
    GrantStatusBuilder builder =
        new GrantStatusBuilder(stalled, 1, T0)
            .stack(Side.PRODUCTION, Step.DONE, Reason.CreateComplete, "stack is CREATE_COMPLETE")
            .stack(Side.DEVELOPMENT, Step.DONE, Reason.CreateComplete, "stack is CREATE_COMPLETE")
            .verification(Step.DONE, Reason.UploadSucceeded, "verified");
    builder.writtenAt(T0.plusSeconds(7));
    builder.writtenAt(T0.plusSeconds(3)); // never earlier
    CrossAccountAccessStatus ready = builder.build();
    assertThat(condition(ready, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:07Z");
    // The ttl counts from the time the lifetime was computed with, as before.
    assertThat(ready.getFirstReadyTime()).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void aStallFailsThePhaseKeepsStepsItDidNotReachAndStopsReconciling() {
    CrossAccountAccessStatus before = ready(null, 1, T0);
    CrossAccountAccessStatus status =
        new GrantStatusBuilder(before, 2, T1)
            .stalled(Reason.AccessDenied, "grant the deployer role s3:GetObject")
            .build();

    assertThat(status.getPhase()).isEqualTo(Phase.Failed);
    assertThat(condition(status, "Stalled").getReason()).isEqualTo("AccessDenied");
    assertThat(condition(status, "Ready").getMessage()).contains("s3:GetObject");
    assertThat(condition(status, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(status, "ProductionStackReady").getStatus()).isEqualTo("True");
  }

  @Test
  void phaseFollowsTheFirstUnfinishedStep() {
    assertThat(new GrantStatusBuilder(null, 1, T0).build().getPhase()).isEqualTo(Phase.Pending);
    GrantStatusBuilder deploying =
        new GrantStatusBuilder(null, 1, T0)
            .stack(Side.PRODUCTION, Step.IN_PROGRESS, Reason.Creating, "creating");
    CrossAccountAccessStatus status = deploying.build();
    assertThat(status.getPhase()).isEqualTo(Phase.DeployingProduction);
    assertThat(condition(status, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(
            new GrantStatusBuilder(null, 1, T0)
                .stack(Side.PRODUCTION, Step.DONE, Reason.CreateComplete, "")
                .stack(Side.DEVELOPMENT, Step.DONE, Reason.CreateComplete, "")
                .verification(Step.IN_PROGRESS, Reason.WaitingForPropagation, "")
                .build()
                .getPhase())
        .isEqualTo(Phase.Verifying);
  }

  @Test
  void disabledVerificationIsReadyOnceStacksAreDeployed() {
    CrossAccountAccessStatus status =
        new GrantStatusBuilder(null, 1, T0)
            .stack(Side.PRODUCTION, Step.DONE, Reason.CreateComplete, "")
            .stack(Side.DEVELOPMENT, Step.DONE, Reason.CreateComplete, "")
            .verificationDisabled()
            .build();
    assertThat(condition(status, "Ready").getReason()).isEqualTo("StacksDeployed");
    assertThat(condition(status, "AccessVerified").getStatus()).isEqualTo("Unknown");
  }

  private static CrossAccountAccessStatus ready(
      CrossAccountAccessStatus previous, long generation, Instant now) {
    return new GrantStatusBuilder(previous, generation, now)
        .stack(Side.PRODUCTION, Step.DONE, Reason.CreateComplete, "stack is CREATE_COMPLETE")
        .stack(Side.DEVELOPMENT, Step.DONE, Reason.CreateComplete, "stack is CREATE_COMPLETE")
        .verification(Step.DONE, Reason.UploadSucceeded, "verified")
        .build();
  }

  private static Condition condition(CrossAccountAccessStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }
}
