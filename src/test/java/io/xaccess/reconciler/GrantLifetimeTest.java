package io.xaccess.reconciler;

import static io.xaccess.reconciler.ReconcilerFixture.T0;
import static io.xaccess.reconciler.ReconcilerFixture.condition;
import static io.xaccess.reconciler.ReconcilerFixture.delay;
import static io.xaccess.reconciler.ReconcilerFixture.grant;
import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.cloudformation.ChangeSetState;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.testing.GrantYaml;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Time-boxed grants: the end is scheduled, the closed configuration goes through the normal stack
 * update, Expired is reported, a renewal restores and re-verifies, and the revocation annotation
 * sets the aws:TokenIssueTime bound — each decided from spec and status alone.
 */
class GrantLifetimeTest {

  private final ReconcilerFixture f = new ReconcilerFixture();

  private static final String PROD = StackNames.production("team", "jit");
  private static final String DEV = StackNames.development("team", "jit");

  private CrossAccountAccess ttlGrant(String ttl) {
    return grant(GrantYaml.of("team", "jit").spec("  ttl: " + ttl + "\n"));
  }

  /** Reconciles through change sets and stack operations until nothing is in progress. */
  private UpdateControl<CrossAccountAccess> settle(CrossAccountAccess grant) {
    UpdateControl<CrossAccountAccess> last = null;
    for (int round = 0; round < 12; round++) {
      f.cfn.calls.clear();
      last = f.reconcile(grant);
      // A change set just created is ready at the next look; one executed is gone.
      f.cfn.changeSet =
          ChangeSetState.of(
              f.cfn.calls.contains("createChangeSet")
                  ? ChangeSetState.Kind.READY
                  : ChangeSetState.Kind.ABSENT);
      f.cfn.completeAll();
      if ("False".equals(condition(grant, ConditionType.Reconciling).getStatus())) {
        return last;
      }
    }
    throw new AssertionError("not settled: " + grant.getStatus().getConditions());
  }

  private void newGeneration(CrossAccountAccess grant) {
    grant.getMetadata().setGeneration(grant.getMetadata().getGeneration() + 1);
  }

  @Test
  void aTtlStartsAtTheFirstReadyAndTheExpiryIsScheduled() {
    CrossAccountAccess grant = ttlGrant("2h");
    f.reconcile(grant);
    assertThat(grant.getStatus().getExpiresAt()).as("no end before the first Ready").isNull();

    f.clock.advance(Duration.ofMinutes(3));
    f.cfn.completeAll();
    f.reconcile(grant);
    f.cfn.completeAll();
    UpdateControl<CrossAccountAccess> ready = f.reconcile(grant);

    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    Instant firstReady = T0.plus(Duration.ofMinutes(3));
    assertThat(grant.getStatus().getFirstReadyTime()).isEqualTo(firstReady.toString());
    assertThat(grant.getStatus().getExpiresAt())
        .isEqualTo(firstReady.plus(Duration.ofHours(2)).toString());
    assertThat(delay(ready)).as("the resync comes first").isEqualTo(Duration.ofMinutes(10));

    f.clock.advance(Duration.ofMinutes(115));
    UpdateControl<CrossAccountAccess> near = f.reconcile(grant);
    assertThat(delay(near)).as("woken exactly at the end").isEqualTo(Duration.ofMinutes(5));
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
  }

  @Test
  void atExpiryTheClosedConfigurationIsDeployedThenExpiredIsReported() {
    CrossAccountAccess grant = ttlGrant("30s");
    f.reconcileToReady(grant);
    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("AccessOpen", "true")
        .containsEntry("RevokeSessionsBefore", "");
    assertThat(f.cfn.parameters.get(DEV)).containsEntry("AccessOpen", "true");
    int proofs = f.verifier.calls.size();

    f.clock.advance(Duration.ofSeconds(30));
    f.reconcile(grant);
    assertThat(condition(grant, ConditionType.Ready).getReason()).isEqualTo("Closing");
    assertThat(condition(grant, ConditionType.Ready).getMessage())
        .startsWith("the grant expired at " + T0.plusSeconds(30) + "; closing the access");
    assertThat(grant.getStatus().getClosedAt()).isEqualTo(T0.plusSeconds(30).toString());

    UpdateControl<CrossAccountAccess> settled = settle(grant);

    Map<String, String> prod = f.cfn.parameters.get(PROD);
    assertThat(prod)
        .containsEntry("AccessOpen", "false")
        .containsEntry("RevokeSessionsBefore", T0.plusSeconds(30).toString());
    assertThat(f.cfn.parameters.get(DEV)).containsEntry("AccessOpen", "false");
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Expired);
    assertThat(condition(grant, ConditionType.Ready).getStatus()).isEqualTo("False");
    assertThat(condition(grant, ConditionType.Ready).getReason()).isEqualTo("Expired");
    assertThat(condition(grant, ConditionType.Stalled).getStatus()).isEqualTo("False");
    assertThat(condition(grant, ConditionType.Reconciling).getReason()).isEqualTo("Expired");
    assertThat(grant.getStatus().getSessionsRevokedBefore())
        .isEqualTo(T0.plusSeconds(30).toString());
    assertThat(f.verifier.calls).as("nothing to prove once closed").hasSize(proofs);
    assertThat(delay(settled)).isEqualTo(Duration.ofMinutes(10));
    assertThat(f.events.recorded)
        .anyMatch(e -> e.startsWith("Normal Expired: the grant expired at"))
        .anyMatch(
            e -> e.startsWith("Normal SessionsRevoked: ") && e.endsWith("(the grant expired)"));
    assertThat(f.registry.get("xaccess.grants").tag("phase", "Expired").gauge().value())
        .isEqualTo(1.0);
    assertThat(
            f.registry.get("xaccess.session.revocations").tag("cause", "expiry").counter().count())
        .isEqualTo(1.0);

    // Idempotent: looking again (a restart sees the same spec and status) changes nothing.
    f.cfn.calls.clear();
    f.clock.advance(Duration.ofMinutes(10));
    UpdateControl<CrossAccountAccess> again = f.reconcile(grant);
    assertThat(again.isPatchStatus()).isFalse();
    assertThat(f.cfn.calls).doesNotContain("createChangeSet", "executeChangeSet");
  }

  @Test
  void aRenewalReopensVerifiesAgainAndKeepsEarlierSessionsRevoked() {
    CrossAccountAccess grant =
        grant(GrantYaml.of("team", "jit").spec("  expiresAt: \"2026-12-01T10:05:00Z\"\n"));
    f.reconcileToReady(grant);
    f.clock.advance(Duration.ofMinutes(6));
    settle(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Expired);
    int proofs = f.verifier.calls.size();

    grant.getSpec().setExpiresAt("2026-12-02T10:00:00Z");
    newGeneration(grant);
    UpdateControl<CrossAccountAccess> renewed = settle(grant);

    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(f.verifier.calls).as("access proven again").hasSize(proofs + 1);
    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("AccessOpen", "true")
        .as("sessions from before the expiry stay revoked")
        .containsEntry("RevokeSessionsBefore", "2026-12-01T10:06:00Z");
    assertThat(f.cfn.parameters.get(DEV)).containsEntry("AccessOpen", "true");
    assertThat(grant.getStatus().getExpiresAt()).isEqualTo("2026-12-02T10:00:00Z");
    assertThat(delay(renewed)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void theRevocationAnnotationSetsTheBoundAndProvesAccessWithANewSession() {
    CrossAccountAccess grant = grant("jit");
    f.reconcileToReady(grant);
    int proofs = f.verifier.calls.size();
    f.clock.advance(Duration.ofMinutes(20));

    grant
        .getMetadata()
        .setAnnotations(
            Map.of(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, "2026-12-01T10:15:00Z"));
    settle(grant);

    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("AccessOpen", "true")
        .containsEntry("RevokeSessionsBefore", "2026-12-01T10:15:00Z");
    assertThat(grant.getStatus().getSessionsRevokedBefore()).isEqualTo("2026-12-01T10:15:00Z");
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(f.verifier.calls).as("a fresh session proves the access").hasSize(proofs + 1);
    assertThat(f.events.recorded)
        .anyMatch(
            e ->
                e.equals(
                    "Normal SessionsRevoked: the production role now denies every session issued"
                        + " before 2026-12-01T10:15:00Z (annotation"
                        + " xaccess.io/revoke-sessions-before)"));
  }

  @Test
  void loweringOrRemovingTheAnnotationLetsNoRevokedSessionBackIn() {
    CrossAccountAccess grant = grant("jit");
    f.reconcileToReady(grant);
    f.clock.advance(Duration.ofMinutes(20));
    grant
        .getMetadata()
        .setAnnotations(
            Map.of(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, "2026-12-01T10:15:00Z"));
    settle(grant);
    assertThat(grant.getStatus().getSessionsRevokedBefore()).isEqualTo("2026-12-01T10:15:00Z");

    grant
        .getMetadata()
        .setAnnotations(
            Map.of(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, "2026-12-01T10:05:00Z"));
    settle(grant);
    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("RevokeSessionsBefore", "2026-12-01T10:15:00Z");

    grant.getMetadata().setAnnotations(Map.of());
    settle(grant);
    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("RevokeSessionsBefore", "2026-12-01T10:15:00Z");
    assertThat(grant.getStatus().getSessionsRevokedBefore()).isEqualTo("2026-12-01T10:15:00Z");
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
  }

  @Test
  void aRevocationInTheFutureDefersTheProofUntilAfterIt() {
    CrossAccountAccess grant = grant("jit");
    f.reconcileToReady(grant);
    grant
        .getMetadata()
        .setAnnotations(
            Map.of(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, "2026-12-01T10:02:00Z"));
    int proofs = f.verifier.calls.size();

    UpdateControl<CrossAccountAccess> waiting = null;
    for (int round = 0; round < 4; round++) {
      f.cfn.calls.clear();
      waiting = f.reconcile(grant);
      f.cfn.changeSet =
          ChangeSetState.of(
              f.cfn.calls.contains("createChangeSet")
                  ? ChangeSetState.Kind.READY
                  : ChangeSetState.Kind.ABSENT);
      f.cfn.completeAll();
    }
    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("RevokeSessionsBefore", "2026-12-01T10:02:00Z");
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Verifying);
    assertThat(f.verifier.calls).hasSize(proofs);
    assertThat(condition(grant, ConditionType.AccessVerified).getMessage())
        .startsWith("waits until 2026-12-01T10:02:00Z");
    assertThat(delay(waiting)).isEqualTo(Duration.ofSeconds(121));

    f.clock.advance(Duration.ofSeconds(121));
    f.reconcile(grant);
    assertThat(f.verifier.calls).hasSize(proofs + 1);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
  }

  @Test
  void anInvalidRevocationStallsWithWhatToFix() {
    CrossAccountAccess grant = grant("jit");
    grant
        .getMetadata()
        .setAnnotations(Map.of(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, "yesterday"));
    f.reconcile(grant);
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("RevocationInvalid");
    assertThat(condition(grant, ConditionType.Stalled).getMessage())
        .contains("yesterday is not an RFC 3339 time");
    assertThat(f.cfn.calls).isEmpty();
  }

  @Test
  void anInvalidRevocationCannotKeepAGrantOpenPastItsEnd() {
    // Anyone who may edit the grant may write the annotation, and no admission check reads it:
    // an unreadable one stalls an open grant, but must not stop its end.
    CrossAccountAccess grant = ttlGrant("30s");
    f.reconcileToReady(grant);
    grant
        .getMetadata()
        .setAnnotations(Map.of(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, "yesterday"));
    f.clock.advance(Duration.ofSeconds(10));
    UpdateControl<CrossAccountAccess> stalled = f.reconcile(grant);
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("RevocationInvalid");
    assertThat(delay(stalled)).as("woken at the end").isEqualTo(Duration.ofSeconds(20));

    f.clock.advance(Duration.ofSeconds(20));
    settle(grant);

    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Expired);
    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("AccessOpen", "false")
        .containsEntry("RevokeSessionsBefore", T0.plusSeconds(30).toString());
    assertThat(f.cfn.parameters.get(DEV)).containsEntry("AccessOpen", "false");

    // A renewal with the annotation still unreadable stalls again and leaves the access closed.
    grant.getSpec().setTtl("1h");
    newGeneration(grant);
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("RevocationInvalid");
    assertThat(f.cfn.calls).isEmpty();
    assertThat(f.cfn.parameters.get(PROD)).containsEntry("AccessOpen", "false");
  }

  @Test
  void anExpiredGrantIsClosedEvenWhileSuspended() {
    CrossAccountAccess grant =
        grant(GrantYaml.of("team", "jit").spec("  expiresAt: \"2026-12-01T10:05:00Z\"\n"));
    f.reconcileToReady(grant);
    grant.getSpec().setSuspend(true);
    newGeneration(grant);
    UpdateControl<CrossAccountAccess> suspended = f.reconcile(grant);
    assertThat(delay(suspended)).as("the end is still scheduled").isEqualTo(Duration.ofMinutes(5));

    f.clock.advance(Duration.ofMinutes(5));
    settle(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Expired);
    assertThat(f.cfn.parameters.get(PROD)).containsEntry("AccessOpen", "false");
  }

  @Test
  void deletingAnExpiredGrantRemovesBothStacks() {
    CrossAccountAccess grant = ttlGrant("10s");
    f.reconcileToReady(grant);
    f.clock.advance(Duration.ofSeconds(11));
    settle(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Expired);

    grant.getMetadata().setDeletionTimestamp(f.clock.instant().toString());
    for (int i = 0; i < 10 && f.cfn.stackCount() > 0; i++) {
      f.cleanup(grant);
      f.cfn.completeAll();
    }
    assertThat(f.cfn.stack(PROD)).isEmpty();
    assertThat(f.cfn.stack(DEV)).isEmpty();
  }
}
