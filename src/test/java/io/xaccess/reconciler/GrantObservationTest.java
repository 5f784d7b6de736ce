package io.xaccess.reconciler;

import static io.xaccess.reconciler.ReconcilerFixture.condition;
import static io.xaccess.reconciler.ReconcilerFixture.grant;
import static org.assertj.core.api.Assertions.assertThat;

import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.ManagementPolicy;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.cloudformation.ObservedStack;
import io.xaccess.testing.GrantYaml;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * managementPolicy Observe against an in-memory AWS: nothing is created, changed, verified or
 * deleted; the stacks the spec names are recorded as found; the role, bucket and key the spec names
 * are compared with what it would deploy, and Ready says whether they match.
 */
class GrantObservationTest {

  private static final Duration INTERVAL = Duration.ofMinutes(5);
  private final ReconcilerFixture f = new ReconcilerFixture();
  private CrossAccountAccess grant;

  @BeforeEach
  void observeOnly() {
    f.settings.driftInterval = INTERVAL;
    grant =
        grant(
            GrantYaml.of("team", "runbook")
                .production("    stackName: dev-to-prod-s3\n")
                .spec("  managementPolicy: Observe\n"));
  }

  @Test
  void aGrantThatMatchesIsReadyAndNothingIsDeployedVerifiedOrWritten() {
    f.policies.deployed(f.declared(grant));
    f.reconcile(grant);
    f.reconcile(grant);

    assertThat(f.cfn.calls).as("looked at, never created").containsOnly("observe");
    assertThat(f.cfn.calls).hasSize(2 + 2);
    assertThat(f.policies.writes).isEmpty();
    assertThat(f.verifier.calls).isEmpty();
    assertThat(f.policies.reads).as("compared at once, then at the interval").hasSize(1);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Observed);
    var ready = condition(grant, ConditionType.Ready);
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo(Reason.MatchesSpec.name());
    assertThat(condition(grant, ConditionType.Drifted).getReason())
        .isEqualTo(Reason.NoDrift.name());
    var production = condition(grant, ConditionType.ProductionStackReady);
    assertThat(production.getReason()).isEqualTo(Reason.Observing.name());
    assertThat(production.getMessage()).contains("there is no stack dev-to-prod-s3");
    assertThat(grant.getStatus().getProduction().getStackName()).isEqualTo("dev-to-prod-s3");
    assertThat(condition(grant, ConditionType.AccessVerified).getReason())
        .isEqualTo(Reason.Observing.name());
    assertThat(grant.getStatus().getFirstReadyTime()).as("no ttl starts").isNull();
  }

  @Test
  void aGrantThatDiffersIsReportedAndNotRepairedWhateverTheDriftPolicy() {
    f.policies.deployed(f.declared(grant));
    f.policies.inline.remove("xaccess-listing");
    f.policies.inline.put(
        "S3Access",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
            + "\"Resource\":\"*\"}]}");
    f.cfn.put(
        new ObservedStack(
            "arn:aws:cloudformation:ap-southeast-2:111111111111:stack/dev-to-prod-s3/1",
            "dev-to-prod-s3",
            "UPDATE_COMPLETE",
            "",
            Map.of(),
            null,
            Map.of()));
    f.reconcile(grant);

    assertThat(f.policies.writes).isEmpty();
    assertThat(f.cfn.calls).containsOnly("observe");
    var ready = condition(grant, ConditionType.Ready);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reason.DiffersFromSpec.name());
    var drifted = condition(grant, ConditionType.Drifted);
    assertThat(drifted.getStatus()).isEqualTo("True");
    assertThat(drifted.getMessage())
        .contains("policy xaccess-listing of role DevToProdS3Publisher-runbook: deleted")
        .contains("policy S3Access of role DevToProdS3Publisher-runbook: added")
        .endsWith("(managementPolicy Observe: nothing is changed in AWS)");
    var production = condition(grant, ConditionType.ProductionStackReady);
    assertThat(production.getStatus()).isEqualTo("True");
    assertThat(production.getMessage())
        .contains("stack dev-to-prod-s3 is UPDATE_COMPLETE")
        .contains("no xaccess grant");
    assertThat(grant.getStatus().getProduction().getStackId()).endsWith("dev-to-prod-s3/1");
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Observed);
  }

  @Test
  void deletingAnObservedGrantTouchesNothingInAws() {
    f.policies.deployed(f.declared(grant));
    f.reconcile(grant);
    f.cfn.calls.clear();
    grant.getMetadata().setDeletionTimestamp("2026-12-01T11:00:00Z");
    var control = f.cleanup(grant);
    assertThat(control.isRemoveFinalizer()).isTrue();
    assertThat(f.cfn.calls).isEmpty();
    assertThat(f.storage.calls).isEmpty();
    assertThat(f.events.reasons()).contains("Normal ObservedOnly");
  }

  @Test
  void aManagedGrantSwitchedToObserveIsStillProvenThroughItsVerifierRole() {
    CrossAccountAccess managed = grant("managed");
    f.reconcileToReady(managed);
    f.policies.deployed(f.declared(managed));
    int proofs = f.verifier.calls.size();
    managed.getSpec().setManagementPolicy(ManagementPolicy.Observe);
    managed.getMetadata().setGeneration(2L);
    f.clock.advance(Duration.ofHours(1));
    f.cfn.calls.clear();
    f.reconcile(managed);
    assertThat(managed.getStatus().getPhase()).isEqualTo(Phase.Observed);
    assertThat(condition(managed, ConditionType.Ready).getReason())
        .isEqualTo(Reason.MatchesSpec.name());
    assertThat(f.verifier.calls).as("proven at its interval").hasSize(proofs + 1);
    assertThat(condition(managed, ConditionType.AccessVerified).getStatus()).isEqualTo("True");
    assertThat(f.cfn.calls).doesNotContain("createChangeSet", "create", "delete");
  }

  @Test
  void switchedToManageTheGrantRunsTheRunbook() {
    f.policies.deployed(f.declared(grant));
    f.reconcile(grant);
    grant.getSpec().setManagementPolicy(ManagementPolicy.Manage);
    grant.getMetadata().setGeneration(2L);
    f.reconcile(grant);
    assertThat(f.cfn.calls).contains("create");
    assertThat(f.cfn.stack("dev-to-prod-s3")).as("the named stack").isPresent();
  }
}
