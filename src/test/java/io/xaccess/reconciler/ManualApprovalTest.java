package io.xaccess.reconciler;

import static io.xaccess.reconciler.ReconcilerFixture.condition;
import static io.xaccess.reconciler.ReconcilerFixture.grant;
import static org.assertj.core.api.Assertions.assertThat;

import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.PlanStatus;
import io.xaccess.cloudformation.ChangeSetState;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.testing.GrantYaml;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spec.updatePolicy Manual, decided from spec, status and the annotation alone: nothing is created
 * or executed until the current plan's hash is approved; a stale hash executes nothing; what only
 * narrows the access (the end) is applied without approval; Automatic grants are untouched.
 */
class ManualApprovalTest {

  private final ReconcilerFixture f = new ReconcilerFixture();

  private static final String PROD = StackNames.production("team", "rev");

  private static GrantYaml yaml(String extraSpec, String... actions) {
    GrantYaml yaml = GrantYaml.of("team", "rev").spec("  updatePolicy: Manual\n" + extraSpec);
    return actions.length == 0 ? yaml : yaml.roleActions(actions);
  }

  private static void approve(CrossAccountAccess grant, String hash) {
    Map<String, String> annotations =
        new HashMap<>(
            grant.getMetadata().getAnnotations() == null
                ? Map.of()
                : grant.getMetadata().getAnnotations());
    annotations.put(CrossAccountAccess.APPROVE_PLAN_ANNOTATION, hash);
    grant.getMetadata().setAnnotations(annotations);
  }

  private static void change(CrossAccountAccess grant, GrantYaml to) {
    grant.setSpec(to.resource().getSpec());
    grant.getMetadata().setGeneration(grant.getMetadata().getGeneration() + 1);
  }

  private static String approval(CrossAccountAccess grant) {
    return condition(grant, ConditionType.ApprovalPending).getReason();
  }

  /** A Manual grant whose first plan was approved and deployed. */
  private CrossAccountAccess deployed(String extraSpec) {
    CrossAccountAccess grant = grant(yaml(extraSpec));
    f.reconcile(grant);
    approve(grant, grant.getStatus().getPlan().getHash());
    f.reconcileToReady(grant);
    return grant;
  }

  @Test
  void theFirstDeploymentWaitsForApprovalAndCreatesNothing() {
    CrossAccountAccess grant = grant(yaml(""));
    f.reconcile(grant);

    PlanStatus plan = grant.getStatus().getPlan();
    assertThat(plan.getState()).isEqualTo("Ready");
    assertThat(plan.getHash()).hasSize(32);
    assertThat(plan.getRemoved()).isEmpty();
    assertThat(plan.getAdded()).anyMatch(fact -> fact.contains("s3:PutObject"));
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.AwaitingApproval);
    assertThat(approval(grant)).isEqualTo("AwaitingApproval");
    assertThat(condition(grant, ConditionType.Ready).getReason()).isEqualTo("AwaitingApproval");
    assertThat(condition(grant, ConditionType.Reconciling).getStatus()).isEqualTo("False");
    assertThat(f.cfn.calls).containsOnly("observe");

    // Looking again costs no AWS call while the plan waits.
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(f.cfn.calls).isEmpty();
    assertThat(grant.getStatus().getPlan().getHash()).isEqualTo(plan.getHash());

    approve(grant, plan.getHash());
    f.reconcileToReady(grant);
    assertThat(f.cfn.calls).contains("create");
    assertThat(grant.getStatus().getAppliedPlan()).isEqualTo(plan.getHash());
    assertThat(grant.getStatus().getPlan()).isNull();
    assertThat(approval(grant)).isEqualTo("NoPendingPlan");
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
  }

  @Test
  void aChangeIsPreparedAsChangeSetsNotExecutedAndTheDeployedAccessStaysReady() {
    CrossAccountAccess grant = deployed("");
    String applied = grant.getStatus().getAppliedPlan();
    change(grant, yaml("", "s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject"));

    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(f.cfn.calls).contains("createChangeSet").doesNotContain("executeChangeSet");
    assertThat(grant.getStatus().getPlan().getState()).isEqualTo("Preparing");
    assertThat(approval(grant)).isEqualTo("PreparingPlan");

    f.cfn.changeSet =
        new ChangeSetState(ChangeSetState.Kind.READY, "", "arn:aws:cloudformation:cs/prod");
    f.cfn.calls.clear();
    f.reconcile(grant);
    PlanStatus plan = grant.getStatus().getPlan();
    assertThat(plan.getState()).isEqualTo("Ready");
    assertThat(plan.getHash()).isNotEqualTo(applied);
    assertThat(plan.getProductionChangeSet()).isEqualTo("arn:aws:cloudformation:cs/prod");
    assertThat(plan.getAdded()).isNotEmpty().allMatch(fact -> fact.contains("s3:DeleteObject"));
    assertThat(plan.getRemoved()).isEmpty();
    assertThat(plan.getSummary()).contains("delete objects");
    assertThat(f.cfn.calls).contains("template").doesNotContain("executeChangeSet");
    assertThat(condition(grant, ConditionType.Ready).getStatus()).isEqualTo("True");
    assertThat(condition(grant, ConditionType.Ready).getMessage()).contains(plan.getHash());
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.AwaitingApproval);
    assertThat(f.events.reasons()).contains("Normal AwaitingApproval");

    // A hash that is not the plan's executes nothing and says so.
    approve(grant, "0123456789abcdef0123456789abcdef");
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(f.cfn.calls).doesNotContain("executeChangeSet", "createChangeSet");
    assertThat(approval(grant)).isEqualTo("ApprovalStale");
    assertThat(condition(grant, ConditionType.ApprovalPending).getMessage())
        .contains("0123456789abcdef0123456789abcdef")
        .contains(plan.getHash());

    // The plan's hash: the change set is executed.
    approve(grant, plan.getHash());
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(f.cfn.calls).contains("executeChangeSet");
    assertThat(approval(grant)).isEqualTo("PlanApproved");
    f.cfn.completeAll();
    f.cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.ABSENT);
    f.reconcileToReady(grant);
    assertThat(grant.getStatus().getAppliedPlan()).isEqualTo(plan.getHash());
    assertThat(grant.getStatus().getPlan()).isNull();
    assertThat(approval(grant)).isEqualTo("NoPendingPlan");
  }

  @Test
  void anotherChangeDiscardsTheOldPlansChangeSets() {
    CrossAccountAccess grant = deployed("");
    change(grant, yaml("", "s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject"));
    f.reconcile(grant);
    f.cfn.changeSet = new ChangeSetState(ChangeSetState.Kind.READY, "", "arn:cs/first");
    f.reconcile(grant);
    String first = grant.getStatus().getPlan().getHash();

    change(grant, yaml("", "s3:GetObject", "s3:ListBucket"));
    f.cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.ABSENT);
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(f.cfn.calls).contains("deleteChangeSet", "createChangeSet");
    f.cfn.changeSet = new ChangeSetState(ChangeSetState.Kind.READY, "", "arn:cs/second");
    f.reconcile(grant);
    PlanStatus second = grant.getStatus().getPlan();
    assertThat(second.getHash()).isNotEqualTo(first);
    assertThat(second.getRemoved()).anyMatch(fact -> fact.contains("s3:PutObject"));
  }

  @Test
  void whatCloudFormationFindsUnchangedNeedsNoApproval() {
    CrossAccountAccess grant = deployed("");
    change(grant, yaml("", "s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject"));
    f.cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.NO_CHANGES);
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(f.cfn.calls).contains("deleteChangeSet").doesNotContain("executeChangeSet");
    assertThat(grant.getStatus().getPhase()).isNotEqualTo(Phase.AwaitingApproval);
  }

  @Test
  void theEndOfTheDeployedAccessIsNotHeldBackByAPendingPlan() {
    CrossAccountAccess grant = deployed("  ttl: 1h\n");
    assertThat(grant.getStatus().getExpiresAt()).isNotNull();
    // A pending change (a renewal, which widens the access, waits like any other).
    change(grant, yaml("  ttl: 5h\n"));
    f.cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.ABSENT);
    f.reconcile(grant);
    f.cfn.changeSet = new ChangeSetState(ChangeSetState.Kind.READY, "", "arn:cs/renewal");
    f.reconcile(grant);
    PlanStatus renewal = grant.getStatus().getPlan();
    assertThat(renewal.getState()).isEqualTo("Ready");
    String oldEnd = grant.getStatus().getExpiresAt();
    assertThat(renewal.getRemoved()).containsExactly("the access ends at " + oldEnd);
    assertThat(renewal.getAdded())
        .containsExactly(
            "the access ends at "
                + java.time.Instant.parse(grant.getStatus().getFirstReadyTime())
                    .plus(Duration.ofHours(5)));

    // The deployed end comes: closed at once, without approval; the renewal still waits.
    f.clock.advance(Duration.ofHours(1).plusSeconds(1));
    f.cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.ABSENT);
    for (int round = 0; round < 6; round++) {
      f.reconcileRound(grant);
    }
    assertThat(f.cfn.parameters.get(PROD)).containsEntry("AccessOpen", "false");
    assertThat(grant.getStatus().getClosedAt()).isNotNull();
    assertThat(condition(grant, ConditionType.ApprovalPending).getStatus()).isEqualTo("True");
  }

  @Test
  void anEarlierEndNeedsNoApproval() {
    CrossAccountAccess grant = deployed("  ttl: 5h\n");
    change(grant, yaml("  ttl: 1h\n"));
    f.cfn.calls.clear();
    f.reconcile(grant);
    assertThat(grant.getStatus().getPlan()).isNull();
    assertThat(approval(grant)).isEqualTo("NoPendingPlan");
    assertThat(grant.getStatus().getExpiresAt())
        .isEqualTo(
            java.time.Instant.parse(grant.getStatus().getFirstReadyTime())
                .plus(Duration.ofHours(1))
                .toString());
  }

  @Test
  void anAutomaticGrantHasNoPlanAndRecordsWhatItApplied() {
    CrossAccountAccess grant = grant(GrantYaml.of("team", "auto"));
    f.reconcileToReady(grant);
    assertThat(grant.getStatus().getPlan()).isNull();
    assertThat(grant.getStatus().getAppliedPlan()).hasSize(32);
    assertThat(grant.getStatus().getConditions())
        .noneMatch(c -> c.getType().equals("ApprovalPending"));
  }
}
