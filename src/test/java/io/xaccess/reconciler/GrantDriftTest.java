package io.xaccess.reconciler;

import static io.xaccess.reconciler.ReconcilerFixture.condition;
import static io.xaccess.reconciler.ReconcilerFixture.delay;
import static io.xaccess.reconciler.ReconcilerFixture.grant;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.DriftPolicy;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsProblem;
import io.xaccess.drift.DeclaredDocuments;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The drift step of the runbook against an in-memory AWS: when a check is due, what a check that
 * finds nothing costs, what Repair puts back and on what proof, what Report leaves alone, and how
 * failures are retried without a loop.
 */
class GrantDriftTest {

  private static final Duration INTERVAL = Duration.ofMinutes(5);
  private static final String ROLE = "DevToProdS3Publisher-basic";

  private final ReconcilerFixture f = new ReconcilerFixture();
  private CrossAccountAccess grant;
  private DeclaredDocuments declared;

  @BeforeEach
  void readyAndDeployed() {
    f.settings.driftInterval = INTERVAL;
    grant = grant("basic");
    f.reconcileToReady(grant);
    declared = f.declared(grant);
    f.policies.deployed(declared);
    f.storage.ownedBucket(declared.bucketName(), 0, grant.getMetadata().getUid());
  }

  private Condition drifted() {
    return condition(grant, ConditionType.Drifted);
  }

  private void checkAgain() {
    f.clock.advance(INTERVAL);
    f.reconcile(grant);
  }

  @Test
  void theFirstCheckComesOneIntervalAfterTheStackWasReadyAndANoDriftCheckWritesNothing() {
    assertThat(f.policies.reads).as("no check on the way to Ready").isEmpty();
    assertThat(grant.getStatus().getConditions())
        .noneMatch(c -> c.getType().equals(ConditionType.Drifted.name()));
    f.clock.advance(INTERVAL.minusSeconds(1));
    var early = f.reconcile(grant);
    assertThat(f.policies.reads).isEmpty();
    assertThat(delay(early)).as("looked at again when the check is due").hasSeconds(1);

    f.clock.advance(Duration.ofSeconds(1));
    int verifications = f.verifier.calls.size();
    var control = f.reconcile(grant);
    assertThat(f.policies.reads).hasSize(1);
    var target = f.policies.reads.get(0);
    assertThat(target.roleName()).isEqualTo(ROLE);
    assertThat(target.bucketPolicy()).isTrue();
    assertThat(target.bucketSettings()).isTrue();
    assertThat(target.keyId()).contains(grant.getStatus().getProduction().getKmsKeyArn());
    assertThat(f.policies.writes).isEmpty();
    assertThat(f.cfn.calls).doesNotContain("resources");
    assertThat(drifted().getStatus()).isEqualTo("False");
    assertThat(drifted().getReason()).isEqualTo(Reason.NoDrift.name());
    assertThat(drifted().getMessage())
        .isEqualTo(
            "the production role, bucket policy, key policy and bucket encryption and public"
                + " access block hold what the stack declares");
    assertThat(grant.getStatus().getDrift().getResult()).isEqualTo("NoDrift");
    assertThat(grant.getStatus().getDrift().getCheckedAt()).isEqualTo(f.clock.instant().toString());
    assertThat(f.verifier.calls).as("no new proof without a change").hasSize(verifications);
    assertThat(delay(control)).isLessThanOrEqualTo(INTERVAL);
    assertThat(f.events.reasons()).doesNotContain("Normal NoDrift", "Warning DriftDetected");
    assertThat(f.registry.get("xaccess.drift.checks").tag("result", "none").counter().count())
        .isEqualTo(1);

    // The next check is one interval after this one.
    f.clock.advance(INTERVAL.minusSeconds(1));
    f.reconcile(grant);
    assertThat(f.policies.reads).hasSize(1);
  }

  @Test
  void repairPutsBackWhatWasChangedOnTheStacksOwnResourcesAndProvesAccessAgain() {
    f.policies.trust =
        declared
            .trust()
            .toString()
            .replace(
                "\"Statement\":[",
                "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                    + "\"arn:aws:iam::333333333333:root\"},\"Action\":\"sts:AssumeRole\"},");
    f.policies.inline.remove("xaccess-objects");
    f.policies.inline.put(
        "console",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
            + "\"Resource\":\"*\"}}");
    f.policies.attached.add("arn:aws:iam::aws:policy/AdministratorAccess");
    f.policies.bucketPolicy = Optional.of("{\"Version\":\"2012-10-17\",\"Statement\":[]}");
    f.policies.publicAccess =
        Optional.of(new io.xaccess.aws.ProductionPolicies.PublicAccess(true, true, false, true));
    int verifications = f.verifier.calls.size();

    checkAgain();

    assertThat(f.cfn.calls)
        .as("the stack's own resources, listed once")
        .containsOnlyOnce("resources");
    assertThat(f.policies.writes)
        .containsExactly(
            "putTrust " + ROLE,
            "putRolePolicy xaccess-objects",
            "deleteRolePolicy console",
            "detachRolePolicy arn:aws:iam::aws:policy/AdministratorAccess",
            "putBucketPolicy " + declared.bucketName(),
            "putPublicAccessBlock " + declared.bucketName());
    assertThat(f.storage.calls)
        .as("the bucket proven once for its two settings")
        .containsOnlyOnce("uid " + declared.bucketName());
    assertThat(drifted().getStatus()).isEqualTo("False");
    assertThat(drifted().getReason()).isEqualTo(Reason.DriftRepaired.name());
    assertThat(drifted().getMessage())
        .contains(
            "trust policy of role "
                + ROLE
                + ": statement (Allow for AWS:arn:aws:iam::333333333333:root sts:assumerole) added")
        .contains("policy xaccess-objects of role " + ROLE + ": deleted")
        .contains("managed policy arn:aws:iam::aws:policy/AdministratorAccess");
    var drift = grant.getStatus().getDrift();
    assertThat(drift.getResult()).isEqualTo("Repaired");
    assertThat(drift.getLastRepairAt()).isEqualTo(drift.getCheckedAt());
    assertThat(drift.getLastRepair()).hasSize(6);
    assertThat(f.verifier.calls).as("the access is proven again").hasSize(verifications + 1);
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(f.events.reasons()).contains("Normal DriftRepaired");

    // What was put back is what is declared: the next check finds nothing and writes nothing.
    f.policies.writes.clear();
    checkAgain();
    assertThat(f.policies.writes).isEmpty();
    assertThat(drifted().getReason()).isEqualTo(Reason.NoDrift.name());
    assertThat(grant.getStatus().getDrift().getLastRepairAt()).isNotNull();
    assertThat(f.verifier.calls).as("no further proof").hasSize(verifications + 1);
  }

  @Test
  void reportChangesNothingAndKeepsTheDriftedConditionUntilTheDriftIsGone() {
    grant.getSpec().setDriftPolicy(DriftPolicy.Report);
    String original = f.policies.inline.get("xaccess-objects");
    f.policies.inline.put(
        "xaccess-objects",
        original.replace("s3%3APutObject", "s3%3APutObject%22%2C%22s3%3ADeleteObject"));

    checkAgain();
    assertThat(f.policies.writes).isEmpty();
    assertThat(f.cfn.calls).doesNotContain("resources");
    assertThat(drifted().getStatus()).isEqualTo("True");
    assertThat(drifted().getReason()).isEqualTo(Reason.DriftDetected.name());
    assertThat(drifted().getMessage())
        .isEqualTo(
            "policy xaccess-objects of role "
                + ROLE
                + ": statement ObjectAccessWithinPrefix: action s3:deleteobject added"
                + " (spec.driftPolicy Report: nothing was changed in AWS)");
    assertThat(grant.getStatus().getDrift().getFindings()).hasSize(1);
    assertThat(condition(grant, ConditionType.Ready).getStatus())
        .as("the access still works")
        .isEqualTo("True");
    assertThat(f.events.reasons()).containsOnlyOnce("Warning DriftDetected");

    // Found again: the same condition and no second event.
    checkAgain();
    assertThat(drifted().getStatus()).isEqualTo("True");
    assertThat(f.events.reasons()).containsOnlyOnce("Warning DriftDetected");

    // Put back by someone else: gone at the next check.
    f.policies.inline.put("xaccess-objects", original);
    checkAgain();
    assertThat(drifted().getStatus()).isEqualTo("False");
    assertThat(drifted().getReason()).isEqualTo(Reason.NoDrift.name());
    assertThat(f.policies.writes).isEmpty();
  }

  @Test
  void theAnnotationAsksForACheckAtOnceOncePerValue() {
    grant.getMetadata().setAnnotations(Map.of(CrossAccountAccess.CHECK_DRIFT_ANNOTATION, "1"));
    f.reconcile(grant);
    assertThat(f.policies.reads).hasSize(1);
    assertThat(grant.getStatus().getDrift().getCheckRequest()).isEqualTo("1");
    f.reconcile(grant);
    assertThat(f.policies.reads).as("the same value asks nothing more").hasSize(1);
    grant.getMetadata().setAnnotations(Map.of(CrossAccountAccess.CHECK_DRIFT_ANNOTATION, "2"));
    f.reconcile(grant);
    assertThat(f.policies.reads).hasSize(2);
  }

  @Test
  void aCheckThatCannotReadAwsIsRetriedAfterTheRetryDelayNotInALoop() {
    f.policies.failing =
        new AwsProblem(AwsProblem.Kind.TERMINAL, Reason.AccessDenied, "access denied to ...", null);
    f.clock.advance(INTERVAL);
    var control = f.reconcile(grant);
    assertThat(drifted().getStatus()).isEqualTo("Unknown");
    assertThat(drifted().getReason()).isEqualTo(Reason.DriftCheckFailed.name());
    assertThat(drifted().getMessage()).contains("access denied to ...");
    assertThat(grant.getStatus().getPhase()).as("the grant itself is fine").isEqualTo(Phase.Ready);
    assertThat(delay(control)).isEqualTo(f.settings.driftRetryDelay);
    f.reconcile(grant);
    assertThat(f.policies.reads).as("not before the retry delay").hasSize(1);
    f.policies.failing = null;
    f.clock.advance(f.settings.driftRetryDelay);
    f.reconcile(grant);
    assertThat(f.policies.reads).hasSize(2);
    assertThat(drifted().getReason()).isEqualTo(Reason.NoDrift.name());
  }

  @Test
  void aBucketThatDoesNotCarryTheGrantsUidIsNeverWritten() {
    f.storage.bucketUids.put(declared.bucketName(), "someone-else");
    f.policies.publicAccess =
        Optional.of(new io.xaccess.aws.ProductionPolicies.PublicAccess(false, true, true, true));
    checkAgain();
    assertThat(f.policies.writes).isEmpty();
    assertThat(drifted().getStatus()).isEqualTo("True");
    assertThat(drifted().getReason()).isEqualTo(Reason.DriftRepairFailed.name());
    assertThat(drifted().getMessage())
        .contains(
            "public access block of bucket "
                + declared.bucketName()
                + ": BlockPublicAcls turned off")
        .contains("does not carry this grant's xaccess.io/uid tag (someone-else)");
    assertThat(grant.getStatus().getDrift().getResult()).isEqualTo("RepairFailed");
    assertThat(f.events.reasons()).contains("Warning DriftRepairFailed");
  }

  @Test
  void aDeletedRoleIsReportedNotRepairedAndNotRetriedEveryMinute() {
    f.policies.roleExists = false;
    checkAgain();
    assertThat(f.policies.writes).isEmpty();
    assertThat(drifted().getStatus()).isEqualTo("True");
    assertThat(drifted().getMessage()).contains("role " + ROLE + ": deleted outside the stack");
    int reads = f.policies.reads.size();
    f.clock.advance(f.settings.driftRetryDelay);
    f.reconcile(grant);
    assertThat(f.policies.reads).hasSize(reads);
  }
}
