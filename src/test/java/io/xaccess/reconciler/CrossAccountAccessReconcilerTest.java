package io.xaccess.reconciler;

import static io.xaccess.reconciler.ReconcilerFixture.condition;
import static io.xaccess.reconciler.ReconcilerFixture.delay;
import static io.xaccess.reconciler.ReconcilerFixture.grant;
import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsProblem;
import io.xaccess.cloudformation.ChangeSetState;
import io.xaccess.cloudformation.ObservedStack;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.grant.GrantProblem;
import io.xaccess.tenancy.Verdict;
import io.xaccess.testing.GrantYaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runbook and its error paths, against in-memory CloudFormation and a fake verifier. */
class CrossAccountAccessReconcilerTest {

  private final ReconcilerFixture f = new ReconcilerFixture();

  @Test
  void deploysProductionThenDevelopmentThenVerifies() {
    CrossAccountAccess grant = grant("basic");

    UpdateControl<CrossAccountAccess> first = f.reconcile(grant);
    assertThat(first.isPatchStatus()).isTrue();
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.DeployingProduction);
    assertThat(condition(grant, ConditionType.ProductionStackReady).getReason())
        .isEqualTo("Creating");
    assertThat(delay(first)).as("a just-started create is looked at soon").hasSeconds(1);
    assertThat(f.cfn.stack(StackNames.development("team", "basic"))).isEmpty();

    f.cfn.completeAll();
    UpdateControl<CrossAccountAccess> second = f.reconcile(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.DeployingDevelopment);
    assertThat(grant.getStatus().getProduction().getRoleArn())
        .isEqualTo("arn:aws:iam::111111111111:role/DevToProdS3Publisher-basic");
    assertThat(grant.getStatus().getProduction().getKmsKeyArn()).startsWith("arn:aws:kms:");
    assertThat(delay(second)).hasSeconds(1);
    assertThat(f.verifier.calls).isEmpty();

    f.cfn.completeAll();
    UpdateControl<CrossAccountAccess> third = f.reconcile(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(condition(grant, ConditionType.Ready).getReason()).isEqualTo("AccessVerified");
    assertThat(condition(grant, ConditionType.Reconciling).getStatus()).isEqualTo("False");
    assertThat(f.verifier.calls)
        .containsExactly(
            "arn:aws:iam::111111111111:role/DevToProdS3Publisher-basic via "
                + "arn:aws:iam::222222222222:role/"
                + StackNames.verifierRole("team", "basic"));
    assertThat(delay(third)).as("the resync is sooner than the hourly proof").hasMinutes(10);
    assertThat(grant.getStatus().getDevelopment().getVerifierRoleArn())
        .endsWith(StackNames.verifierRole("team", "basic"));
    assertThat(f.events.reasons())
        .containsExactly(
            "Normal DeployingProduction", "Normal DeployingDevelopment", "Normal Ready");
    assertThat(f.registry.get("xaccess.time.to.ready").timer().count()).isEqualTo(1);
  }

  @Test
  void onTheWayToReadyEachStackIsReadOnceAndNothingIsLookedUpBeforeACreate() {
    CrossAccountAccess grant = grant("basic");
    f.reconcile(grant);
    assertThat(f.cfn.calls)
        .as("status records nothing: straight to the create, then one look right away")
        .containsExactly("create", "observe");
    f.cfn.completeAll();
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(f.cfn.calls).containsExactly("observe", "create", "observe");
    f.cfn.completeAll();
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(f.cfn.calls)
        .as("woken for the development stack: the production stack was found deployed just now")
        .containsExactly("observe");
  }

  @Test
  void aStackOperationThatEndsAtOnceIsFollowedInTheSameReconcile() {
    f.cfn.instant = true;
    CrossAccountAccess grant = grant("basic");
    f.reconcile(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(f.cfn.calls)
        .as("each create looked at once right away, as a script would")
        .containsExactly("create", "observe", "create", "observe");
  }

  @Test
  void whereALookRightAwayFindsTheOperationUnderWayTheNextCreatesGetNoneForAMinute() {
    CrossAccountAccess first = grant("first");
    f.reconcile(first);
    assertThat(f.cfn.calls).containsExactly("create", "observe");
    assertThat(condition(first, ConditionType.ProductionStackReady).getReason())
        .isEqualTo("Creating");
    f.cfn.calls.clear();
    f.reconcile(grant("second"));
    assertThat(f.cfn.calls).as("as on AWS: no look right away").containsExactly("create");
    f.clock.advance(StackWatch.EARLY_PROBE);
    f.cfn.calls.clear();
    f.reconcile(grant("third"));
    assertThat(f.cfn.calls).as("a probe a minute").containsExactly("create", "observe");
  }

  @Test
  void theProductionStackIsReadAgainWhenTheDevelopmentStackTookLong() {
    CrossAccountAccess grant = grant("basic");
    f.reconcile(grant);
    f.cfn.completeAll();
    f.reconcile(grant);
    f.cfn.completeAll();
    f.clock.advance(Duration.ofMinutes(3));
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(f.cfn.calls).containsExactly("observe", "observe");
  }

  @Test
  void grantsUnderWayAreCarriedThroughBeforeANewGrantStarts() {
    ReconcilerFixture f = new ReconcilerFixture(1);
    f.settings.stackWatchInterval = Duration.ofMillis(500);
    List<ResourceID> woken = new ArrayList<>();
    f.watch.start(woken::add, Runnable::run);
    f.gate.start(woken::add);
    CrossAccountAccess underWay = grant("under-way");
    assertThat(delay(f.reconcile(underWay)))
        .as("watched: only the fallback")
        .isEqualTo(f.settings.stackWatchFallback);
    f.cfn.completeAll();

    // The one place is taken by the grant under way: a new grant waits, no AWS call, no status.
    CrossAccountAccess fresh = grant("fresh");
    int calls = f.cfn.calls.size();
    UpdateControl<CrossAccountAccess> waiting = f.reconcile(fresh);
    assertThat(waiting.isNoUpdate()).isTrue();
    assertThat(delay(waiting)).isEqualTo(StartGate.RECHECK);
    assertThat(f.cfn.calls).hasSize(calls);
    assertThat(fresh.getStatus()).isNull();
    assertThat(f.gate.waiting()).isEqualTo(1);

    // Woken for its development stack, then for its proof: still the one under way.
    f.watch.round();
    assertThat(woken).containsExactly(ResourceID.fromResource(underWay));
    f.reconcile(underWay);
    assertThat(f.cfn.stack(StackNames.development("team", "under-way"))).isPresent();
    assertThat(f.reconcile(fresh).isNoUpdate()).isTrue();
    f.cfn.completeAll();
    f.watch.round();
    f.reconcile(underWay);
    assertThat(underWay.getStatus().getPhase()).isEqualTo(Phase.Ready);

    // Ready: its place goes to the waiting grant, which is woken and starts.
    assertThat(woken).last().isEqualTo(ResourceID.fromResource(fresh));
    assertThat(f.reconcile(fresh).isPatchStatus()).isTrue();
    assertThat(f.cfn.stack(StackNames.production("team", "fresh"))).isPresent();
    // A grant already under way never waits, whoever holds the places: it looks at its stacks.
    int before = f.cfn.calls.size();
    f.reconcile(underWay);
    assertThat(f.cfn.calls.size()).isGreaterThan(before);
  }

  @Test
  void aGrantWhoseStackCloudFormationIsWorkingOnLeavesItsPlaceToANewGrant() {
    ReconcilerFixture f = new ReconcilerFixture(1);
    f.settings.stackWatchInterval = Duration.ofMillis(500);
    List<ResourceID> woken = new ArrayList<>();
    f.watch.start(woken::add, Runnable::run);
    f.gate.start(woken::add);
    CrossAccountAccess first = grant("first");
    f.reconcile(first);
    CrossAccountAccess second = grant("second");
    assertThat(f.reconcile(second).isNoUpdate()).isTrue();
    // The listing shows the first grant's stack in progress (as on AWS, for tens of seconds).
    f.watch.round();
    assertThat(woken).containsExactly(ResourceID.fromResource(second));
    assertThat(f.reconcile(second).isPatchStatus()).isTrue();
    assertThat(f.cfn.stack(StackNames.production("team", "second"))).isPresent();
  }

  @Test
  void aGrantNoPolicyPermitsMakesNoAwsCallAndStalls() {
    CrossAccountAccess grant = grant("refused");
    f.verdict = Verdict.refused("no CrossAccountAccessPolicy selects namespace team");

    UpdateControl<CrossAccountAccess> control = f.reconcile(grant);

    assertThat(f.cfn.calls).isEmpty();
    assertThat(f.verifier.calls).isEmpty();
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("NotPermitted");
    assertThat(condition(grant, ConditionType.Ready).getMessage())
        .contains("selects namespace team")
        .contains("no AWS call is made");
    assertThat(grant.getStatus().getPermittedBy()).isNull();
    assertThat(delay(control))
        .as("woken by policy changes; the resync is a safety net")
        .hasMinutes(10);
  }

  @Test
  void aDeployedGrantATightenedPolicyNoLongerPermitsIsLeftAsItIsAndSaysSo() {
    CrossAccountAccess grant = grant("tightened");
    f.reconcileToReady(grant);
    assertThat(grant.getStatus().getPermittedBy()).isEqualTo("test");
    f.cfn.calls.clear();
    f.verifier.calls.clear();
    f.verdict = Verdict.refused("policy test: spec.bucket.name x matches none of buckets.names []");

    f.reconcile(grant);

    assertThat(f.cfn.calls).isEmpty();
    assertThat(f.verifier.calls).isEmpty();
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Failed);
    assertThat(condition(grant, ConditionType.Stalled).getMessage())
        .contains("policy test: spec.bucket.name")
        .contains("not updated and not verified again");
    assertThat(grant.getStatus().getProduction().getStackId()).isNotNull();

    f.verdict = Verdict.permittedBy("test", java.util.Optional.empty(), java.util.Optional.empty());
    f.reconcile(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
  }

  @Test
  void aSettledGrantIsNotWrittenAndIsReverifiedAtItsInterval() {
    CrossAccountAccess grant = grant("settled");
    f.reconcileToReady(grant);
    f.cfn.calls.clear();

    UpdateControl<CrossAccountAccess> again = f.reconcile(grant);
    assertThat(again.isNoUpdate()).isTrue();
    assertThat(f.cfn.calls).containsExactly("observe", "observe");
    assertThat(f.verifier.calls).hasSize(1);

    f.clock.advance(Duration.ofHours(1));
    UpdateControl<CrossAccountAccess> due = f.reconcile(grant);
    assertThat(due.isPatchStatus()).as("the new proof's time is recorded").isTrue();
    assertThat(f.verifier.calls).hasSize(2);
  }

  @Test
  void aSpecChangeUpdatesThroughAChangeSetAndVerifiesAgain() {
    CrossAccountAccess grant = grant("changed");
    f.reconcileToReady(grant);
    grant.getSpec().setSessionDuration("2h");
    grant.getSpec().getRole().setMaxSessionDuration("2h");
    grant.getMetadata().setGeneration(2L);
    f.cfn.calls.clear();

    f.reconcile(grant);
    assertThat(f.cfn.calls).containsExactly("observe", "changeSet", "createChangeSet");
    assertThat(grant.getStatus().getObservedGeneration()).isEqualTo(2);
    assertThat(condition(grant, ConditionType.Ready).getStatus()).isEqualTo("False");

    f.cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.READY);
    f.reconcile(grant);
    assertThat(f.cfn.calls).contains("executeChangeSet");
    f.cfn.completeAll();
    f.reconcile(grant);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(f.verifier.calls).as("a new configuration is proven again").hasSize(2);
  }

  @Test
  void verificationDisabledIsReadyOnceBothStacksAreDeployed() {
    CrossAccountAccess grant =
        grant(GrantYaml.of("team", "unverified").spec("  verification: {enabled: false}\n"));
    f.reconcileToReady(grant);
    assertThat(condition(grant, ConditionType.Ready).getReason()).isEqualTo("StacksDeployed");
    assertThat(f.verifier.calls).isEmpty();
  }

  @Test
  void aFailedCreateStallsWithCloudFormationsReasonAndWaitsForAChange() {
    CrossAccountAccess grant = grant("rolledback");
    f.reconcile(grant);
    String stack = StackNames.production("team", "rolledback");
    ObservedStack created = f.cfn.stack(stack).orElseThrow();
    f.cfn.status(created, "ROLLBACK_COMPLETE");
    f.cfn.failure = java.util.Optional.of("Role: invalid principal in policy");

    UpdateControl<CrossAccountAccess> failed = f.reconcile(grant);
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("CreateFailed");
    assertThat(condition(grant, ConditionType.Stalled).getMessage())
        .isEqualTo("production stack: Role: invalid principal in policy");
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Failed);
    assertThat(delay(failed)).hasMinutes(10);
    assertThat(f.events.reasons()).contains("Warning CreateFailed");

    f.cfn.completeAll(); // the failed stack's deletion ends
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(f.cfn.calls).as("no re-create of the same configuration").doesNotContain("create");
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("DeployFailed");
  }

  @Test
  void aMissingSecretStallsAndIsRecheckedWithoutAws() {
    CrossAccountAccess grant = grant("secret");
    f.resolveProblem = new GrantProblem(Reason.SecretNotFound, "Secret team/x does not exist");

    UpdateControl<CrossAccountAccess> control = f.reconcile(grant);
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("SecretNotFound");
    assertThat(delay(control)).hasMinutes(1);
    assertThat(f.cfn.calls).isEmpty();
  }

  @Test
  void aTerminalAwsAnswerStallsUntilTheNextResync() {
    CrossAccountAccess grant = grant("denied");
    f.cfn.failing =
        new AwsProblem(AwsProblem.Kind.TERMINAL, Reason.AccessDenied, "access denied", null);

    UpdateControl<CrossAccountAccess> control = f.reconcile(grant);
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("AccessDenied");
    assertThat(condition(grant, ConditionType.Reconciling).getStatus()).isEqualTo("False");
    assertThat(delay(control)).hasMinutes(10);
  }

  @Test
  void aPassingAwsProblemIsRetriedWithBackoffAndShownAsReconcilingOnAReadyGrant() {
    CrossAccountAccess grant = grant("throttled");
    f.reconcileToReady(grant);
    f.cfn.failing =
        new AwsProblem(
            AwsProblem.Kind.RECOVERABLE,
            Reason.AwsUnavailable,
            "AWS answered Throttling (400) trying to describe stack x in account 111111111111",
            null);

    UpdateControl<CrossAccountAccess> first = f.reconcile(grant);
    assertThat(first.isPatchStatus()).isTrue();
    assertThat(delay(first)).hasSeconds(2);
    assertThat(condition(grant, ConditionType.Reconciling).getStatus()).isEqualTo("True");
    assertThat(condition(grant, ConditionType.Reconciling).getReason()).isEqualTo("AwsUnavailable");
    assertThat(condition(grant, ConditionType.Reconciling).getMessage())
        .startsWith("AWS answered Throttling")
        .endsWith("(first failure; retrying in 2 s)");
    assertThat(condition(grant, ConditionType.Ready).getStatus())
        .as("the deployed configuration still works")
        .isEqualTo("True");
    assertThat(condition(grant, ConditionType.Stalled).getStatus()).isEqualTo("False");
    assertThat(grant.getStatus().getRetry().getAttempts()).isEqualTo(1);
    assertThat(grant.getStatus().getRetry().getSince()).isEqualTo("2026-12-01T10:00:00Z");

    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      delays.add(delay(f.reconcile(grant)).toSeconds());
    }
    assertThat(delays).containsExactly(4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L);
    assertThat(grant.getStatus().getRetry().getAttempts()).isEqualTo(10);
    assertThat(condition(grant, ConditionType.Reconciling).getMessage())
        .contains("10 failures in a row since 2026-12-01T10:00:00Z; retrying in 300 s");
    assertThat(f.events.reasons())
        .as("one Event once five attempts in a row failed")
        .containsOnlyOnce("Warning StillFailing");

    f.cfn.failing = null;
    f.reconcile(grant);
    assertThat(grant.getStatus().getRetry()).as("a success clears the count").isNull();
    assertThat(condition(grant, ConditionType.Reconciling).getStatus()).isEqualTo("False");
  }

  @Test
  void anUnexpectedErrorIsAConditionWithBackoffNotAnEscapedException() {
    CrossAccountAccess grant = grant("bug");
    f.reconcile(grant);
    f.cfn.failing = new NullPointerException("boom");

    UpdateControl<CrossAccountAccess> control = f.reconcile(grant);
    assertThat(delay(control)).hasSeconds(2);
    assertThat(condition(grant, ConditionType.Reconciling).getReason()).isEqualTo("ReconcileError");
    assertThat(condition(grant, ConditionType.Reconciling).getMessage())
        .startsWith("unexpected error: NullPointerException: boom");
    assertThat(condition(grant, ConditionType.ProductionStackReady).getReason())
        .as("steps keep what was known")
        .isEqualTo("Creating");
  }

  @Test
  void aStackInProgressPastTheLimitIsReportedAsStuck() {
    CrossAccountAccess grant = grant("stuck");
    f.reconcile(grant);
    String stack = StackNames.production("team", "stuck");
    ObservedStack created = f.cfn.stack(stack).orElseThrow();
    f.cfn.put(
        new ObservedStack(
            created.stackId(),
            stack,
            "CREATE_IN_PROGRESS",
            "",
            java.util.Map.of(),
            ReconcilerFixture.T0,
            created.tags()));

    f.clock.advance(Duration.ofMinutes(59));
    assertThat(delay(f.reconcile(grant))).hasSeconds(5);
    assertThat(condition(grant, ConditionType.ProductionStackReady).getReason())
        .isEqualTo("InProgress");

    f.clock.advance(Duration.ofMinutes(2));
    UpdateControl<CrossAccountAccess> stuck = f.reconcile(grant);
    assertThat(condition(grant, ConditionType.ProductionStackReady).getReason())
        .isEqualTo("StackStuck");
    assertThat(condition(grant, ConditionType.Ready).getMessage())
        .isEqualTo(
            "production stack: stack "
                + stack
                + " has been CREATE_IN_PROGRESS since 2026-12-01T10:00:00Z, longer than 60 min:"
                + " CloudFormation is waiting on a resource (aws cloudformation"
                + " describe-stack-events --stack-name "
                + stack
                + "); the operator keeps watching");
    assertThat(delay(stuck)).as("looked at less often once stuck").hasMinutes(1);
  }

  @Test
  void requireMfaWithRolePrincipalsWarnsButStillDeploys() {
    CrossAccountAccess grant =
        grant(
            GrantYaml.of("team", "mfa")
                .development(
                    "    principals: [\"arn:aws:iam::222222222222:role/ci-runner\","
                        + " \"arn:aws:iam::222222222222:user/alice\"]\n")
                .spec("  trust: {requireMfa: true}\n"));
    f.reconcileToReady(grant);
    var mfa = condition(grant, ConditionType.MfaEnforceable);
    assertThat(mfa.getStatus()).isEqualTo("False");
    assertThat(mfa.getReason()).isEqualTo("RoleSessionsCarryNoMfa");
    assertThat(mfa.getMessage()).contains("role/ci-runner").doesNotContain("user/alice");
  }

  @Test
  void noMfaAdvisoryWhenOnlyUsersAreAllowed() {
    CrossAccountAccess grant =
        grant(
            GrantYaml.of("team", "users")
                .development("    principals: [\"arn:aws:iam::222222222222:user/alice\"]\n")
                .spec("  trust: {requireMfa: true}\n"));
    f.reconcile(grant);
    assertThat(grant.getStatus().getConditions())
        .noneMatch(c -> ConditionType.MfaEnforceable.name().equals(c.getType()));
  }

  @Test
  void aSuspendedGrantMakesNoAwsCallAndKeepsItsPhase() {
    CrossAccountAccess grant = grant("paused");
    f.reconcileToReady(grant);
    grant.getSpec().setSuspend(true);
    f.cfn.calls.clear();

    f.reconcile(grant);
    assertThat(f.cfn.calls).isEmpty();
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(condition(grant, ConditionType.Reconciling).getReason()).isEqualTo("Suspended");
  }

  @Test
  void aStackFoundInProgressIsLookedAtEveryPollInterval() {
    CrossAccountAccess grant = grant("busy");
    f.reconcile(grant);
    UpdateControl<CrossAccountAccess> waiting = f.reconcile(grant);
    assertThat(condition(grant, ConditionType.ProductionStackReady).getReason())
        .isEqualTo("InProgress");
    assertThat(delay(waiting)).hasSeconds(5);
    assertThat(f.cfn.stackCount()).isEqualTo(1);
    assertThat(f.cfn.calls.stream().filter("create"::equals)).hasSize(1);
    assertThat(grant.getStatus().getProduction().getStackStatus()).isEqualTo("CREATE_IN_PROGRESS");
  }
}
