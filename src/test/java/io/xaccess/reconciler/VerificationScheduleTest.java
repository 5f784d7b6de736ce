package io.xaccess.reconciler;

import static io.xaccess.reconciler.ReconcilerFixture.condition;
import static io.xaccess.reconciler.ReconcilerFixture.delay;
import static io.xaccess.reconciler.ReconcilerFixture.grant;
import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.testing.GrantYaml;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The proof's schedule through the reconciler: backoff within the IAM propagation window (5 s, 10
 * s, 20 s: three attempts in 30 s), then a failure, then the interval — all on a clock the test
 * moves.
 */
class VerificationScheduleTest {

  private final ReconcilerFixture f = new ReconcilerFixture();

  @Test
  void failuresBackOffWithinThePropagationWindowThenFail() {
    CrossAccountAccess grant = grant("propagating");
    f.verifier.failNext(4, "AccessDenied on AssumeRole");
    deployStacks(grant);

    UpdateControl<CrossAccountAccess> first = f.reconcile(grant);
    assertThat(f.verifier.calls).hasSize(1);
    assertThat(condition(grant, ConditionType.AccessVerified).getReason())
        .isEqualTo("WaitingForPropagation");
    assertThat(condition(grant, ConditionType.AccessVerified).getMessage())
        .startsWith("attempt 1 failed, IAM changes may still be propagating: AccessDenied");
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Verifying);
    assertThat(delay(first)).hasSeconds(5);

    f.clock.advance(Duration.ofSeconds(2));
    UpdateControl<CrossAccountAccess> early = f.reconcile(grant);
    assertThat(f.verifier.calls).as("not due before its delay").hasSize(1);
    assertThat(delay(early)).hasSeconds(3);

    f.clock.advance(Duration.ofSeconds(3));
    assertThat(delay(f.reconcile(grant))).hasSeconds(10);
    f.clock.advance(Duration.ofSeconds(10));
    assertThat(delay(f.reconcile(grant))).hasSeconds(20);
    assertThat(f.verifier.calls).hasSize(3);
    assertThat(grant.getStatus().getLastVerification().getFailedAttempts()).isEqualTo(3);

    f.clock.advance(Duration.ofSeconds(20));
    UpdateControl<CrossAccountAccess> failed = f.reconcile(grant);
    assertThat(f.verifier.calls).hasSize(4);
    assertThat(condition(grant, ConditionType.AccessVerified).getStatus()).isEqualTo("False");
    assertThat(condition(grant, ConditionType.AccessVerified).getReason())
        .as("past the window the verifier's own reason shows")
        .isEqualTo("AccessDenied");
    assertThat(delay(failed)).as("the backoff goes on past the window").hasSeconds(40);
    assertThat(f.events.reasons()).contains("Warning VerificationFailed");

    f.clock.advance(Duration.ofSeconds(40));
    f.reconcile(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(grant.getStatus().getLastVerification().getFailedAttempts()).isZero();
  }

  @Test
  void aRestartedOperatorKeepsTheScheduleFromStatus() {
    CrossAccountAccess grant = grant("restart");
    f.verifier.failNext(1, "not yet");
    deployStacks(grant);
    f.reconcile(grant);

    ReconcilerFixture restarted = new ReconcilerFixture();
    restarted.cfn.instant = true;
    restarted.clock.advance(Duration.ofSeconds(1));
    // The new process sees the same stacks, and the last result in status.
    restarted.cfn.put(f.cfn.stack(StackNames.production("team", "restart")).orElseThrow());
    restarted.cfn.put(f.cfn.stack(StackNames.development("team", "restart")).orElseThrow());
    UpdateControl<CrossAccountAccess> control = restarted.reconcile(grant);
    assertThat(restarted.verifier.calls).as("the retry is not due yet").isEmpty();
    assertThat(delay(control)).hasSeconds(4);
  }

  @Test
  void anIntervalOfZeroVerifiesOnlyAfterChanges() {
    CrossAccountAccess grant =
        grant(GrantYaml.of("team", "once").spec("  verification: {interval: \"0\"}\n"));
    f.reconcileToReady(grant);
    f.clock.advance(Duration.ofDays(2));

    UpdateControl<CrossAccountAccess> later = f.reconcile(grant);
    assertThat(f.verifier.calls).hasSize(1);
    assertThat(delay(later)).hasMinutes(10);
  }

  private void deployStacks(CrossAccountAccess grant) {
    f.reconcile(grant);
    f.cfn.completeAll();
    f.reconcile(grant);
    f.cfn.completeAll();
  }
}
