package io.xaccess.reconciler;

import static io.xaccess.reconciler.ReconcilerFixture.condition;
import static io.xaccess.reconciler.ReconcilerFixture.delay;
import static io.xaccess.reconciler.ReconcilerFixture.grant;
import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsProblem;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.grant.GrantProblem;
import io.xaccess.tenancy.Verdict;
import io.xaccess.testing.GrantYaml;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every branch of the deletion, against in-memory CloudFormation, S3 and KMS. */
class GrantTeardownTest {

  private static final String BUCKET = "xaccess-it-gone";

  private final ReconcilerFixture f = new ReconcilerFixture();

  @Test
  void deletesTheDevelopmentStackFirstThenProduction() {
    CrossAccountAccess grant = ready(grant("gone"));
    String dev = StackNames.development("team", "gone");
    String prod = StackNames.production("team", "gone");

    DeleteControl first = f.cleanup(grant);
    assertThat(first.isRemoveFinalizer()).isFalse();
    assertThat(delay(first)).as("a just-started delete is looked at soon").hasSeconds(1);
    assertThat(f.cfn.stack(dev).orElseThrow().status()).isEqualTo("DELETE_IN_PROGRESS");
    assertThat(f.cfn.stack(prod).orElseThrow().status()).isEqualTo("CREATE_COMPLETE");
    CrossAccountAccess patch = f.deletionPatches.get(0);
    assertThat(patch.getStatus().getPhase()).isEqualTo(Phase.Deleting);
    assertThat(condition(patch, ConditionType.Ready).getMessage())
        .startsWith("development stack: deleting the stack");
    assertThat(condition(patch, ConditionType.Reconciling).getReason())
        .as("the phase in progress is the deletion")
        .isEqualTo("Deleting");

    grant.setStatus(patch.getStatus());
    DeleteControl waiting = f.cleanup(grant);
    assertThat(delay(waiting)).as("one found under way waits a poll interval").hasSeconds(5);
    grant.setStatus(f.deletionPatches.get(1).getStatus());
    f.cleanup(grant);
    assertThat(f.deletionPatches).as("an unchanged status is not written again").hasSize(2);

    f.cfn.completeAll();
    f.cleanup(grant);
    assertThat(f.cfn.stack(prod).orElseThrow().status()).isEqualTo("DELETE_IN_PROGRESS");
    assertThat(condition(f.deletionPatches.get(2), ConditionType.Ready).getMessage())
        .startsWith("production stack:");
    assertThat(f.deletionPatches.get(2).getStatus().getProduction().getCreatedBucket())
        .as("what the stack itself created, read before it goes")
        .isEqualTo(BUCKET);
    grant.setStatus(f.deletionPatches.get(2).getStatus());
    f.storage.ownedBucket(BUCKET, 2, "uid-gone");

    f.cfn.completeAll();
    DeleteControl done = f.cleanup(grant);
    assertThat(done.isRemoveFinalizer()).isTrue();
    assertThat(f.cfn.stackCount()).isZero();
    assertThat(f.storage.calls)
        .as("the bucket is retained by default, and keeps a TLS-only policy")
        .containsExactly("exists " + BUCKET, "policy? " + BUCKET, "tls-only " + BUCKET);
    assertThat(f.storage.buckets).containsEntry(BUCKET, 2);
  }

  @Test
  void theReleaseAnnotationLetsGoWithoutTouchingAws() {
    CrossAccountAccess grant = ready(grant("released"));
    grant.getMetadata().setAnnotations(Map.of(GrantTeardown.RELEASE_ANNOTATION, "true"));
    f.cfn.calls.clear();

    assertThat(f.cleanup(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.cfn.calls).isEmpty();
    assertThat(f.cfn.stackCount()).isEqualTo(2);
    assertThat(f.events.recorded)
        .anyMatch(e -> e.startsWith("Warning FinalizerReleased:") && e.contains("-dev and "));
  }

  @Test
  void orphanAndReleaseAreNotHonouredOnceNoPolicyPermitsTheGrant() {
    CrossAccountAccess grant =
        ready(grant(GrantYaml.of("team", "withdrawn").spec("  deletionPolicy: Orphan\n")));
    grant.getMetadata().setAnnotations(Map.of(GrantTeardown.RELEASE_ANNOTATION, "true"));
    f.verdict = Verdict.refused("no CrossAccountAccessPolicy selects namespace team");

    for (int i = 0; i < 6 && f.cfn.stackCount() > 0; i++) {
      f.cleanup(grant);
      f.cfn.completeAll();
    }

    assertThat(f.cfn.stackCount()).as("the withdrawn grant's stacks are removed").isZero();
    assertThat(f.events.recorded)
        .anyMatch(e -> e.startsWith("Warning NotPermitted:") && e.contains("not honoured"));
  }

  @Test
  void aGrantRefusedFromTheStartIsDeletedWithoutAnAwsCall() {
    CrossAccountAccess grant = grant("refused");
    f.verdict = Verdict.refused("no CrossAccountAccessPolicy selects namespace team");
    f.reconcile(grant);
    f.cfn.calls.clear();

    assertThat(f.cleanup(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.cfn.calls).isEmpty();
  }

  @Test
  void orphanLeavesAwsAsItIs() {
    CrossAccountAccess grant =
        ready(grant(GrantYaml.of("team", "orphan").spec("  deletionPolicy: Orphan\n")));
    f.cfn.calls.clear();

    assertThat(f.cleanup(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.cfn.calls).isEmpty();
    assertThat(f.events.reasons()).contains("Normal Orphaned");
  }

  @Test
  void anEmptyBucketIsDeletedAndItsKeyRetired() {
    CrossAccountAccess grant = ready(deleteBucket("gone"));
    f.storage.ownedBucket(BUCKET, 0, "uid-gone");
    String key = "k-" + BUCKET;
    f.storage.ownedKey(key, "uid-gone");

    assertThat(deleteFully(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.storage.buckets).doesNotContainKey(BUCKET);
    assertThat(f.storage.retiredKeys).containsExactly(key + " alias/xaccess/" + BUCKET);
    assertThat(f.events.recorded)
        .anyMatch(e -> e.startsWith("Normal BucketDeleted:") && e.contains("7 days"));
  }

  @Test
  void aBucketHoldingObjectsIsKeptWithItsKey() {
    CrossAccountAccess grant = ready(deleteBucket("gone"));
    f.storage.ownedBucket(BUCKET, 3, "uid-gone");
    f.storage.ownedKey("k-" + BUCKET, "uid-gone");

    assertThat(deleteFully(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.storage.buckets).containsEntry(BUCKET, 3);
    assertThat(f.storage.retiredKeys).isEmpty();
    assertThat(f.events.reasons()).contains("Warning BucketRetained");
  }

  @Test
  void aBucketAlreadyGoneIsNothingToDo() {
    CrossAccountAccess grant = ready(deleteBucket("gone"));

    assertThat(deleteFully(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.storage.calls)
        .as("looks, never deletes")
        .containsExactly(
            "key k-" + BUCKET, "exists " + BUCKET, "key k-" + BUCKET, "exists " + BUCKET);
  }

  @Test
  void aBucketWithoutAKeyOfItsOwnRetiresNoKey() {
    CrossAccountAccess grant =
        ready(
            grant(
                GrantYaml.of("team", "gone")
                    .bucketLines("    deletionPolicy: Delete\n    encryption: S3\n")));
    f.storage.ownedBucket(BUCKET, 0, "uid-gone");

    assertThat(deleteFully(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.storage.buckets).isEmpty();
    assertThat(f.storage.retiredKeys).isEmpty();
  }

  @Test
  void aBucketWithoutThisGrantsUidIsKeptWithItsKey() {
    CrossAccountAccess grant = ready(deleteBucket("gone"));
    f.storage.ownedBucket(BUCKET, 0, "uid-someone-else");
    f.storage.ownedKey("k-" + BUCKET, "uid-gone");

    assertThat(deleteFully(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.storage.buckets).containsKey(BUCKET);
    assertThat(f.storage.retiredKeys).isEmpty();
    assertThat(f.events.recorded)
        .anyMatch(e -> e.startsWith("Warning NotOwned:") && e.contains("uid-someone-else"));
  }

  @Test
  void aKeyWithoutThisGrantsUidIsKept() {
    CrossAccountAccess grant = ready(deleteBucket("gone"));
    f.storage.ownedBucket(BUCKET, 0, "uid-gone");
    f.storage.ownedKey("k-" + BUCKET, "uid-someone-else");

    assertThat(deleteFully(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.storage.buckets).doesNotContainKey(BUCKET);
    assertThat(f.storage.retiredKeys).isEmpty();
    assertThat(f.events.reasons()).contains("Warning NotOwned");
  }

  @Test
  void aKeyFromStatusIsNeverTrustedOnlyTheStacksOwnResources() {
    CrossAccountAccess grant = ready(deleteBucket("gone"));
    // A status that names someone else's key (status is not proof): ignored.
    grant
        .getStatus()
        .getProduction()
        .setKmsKeyArn("arn:aws:kms:ap-southeast-2:111111111111:key/victim");
    f.storage.ownedKey("victim", "uid-victim");
    f.storage.ownedBucket(BUCKET, 0, "uid-gone");
    f.storage.ownedKey("k-" + BUCKET, "uid-gone");

    assertThat(deleteFully(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.storage.retiredKeys).containsExactly("k-" + BUCKET + " alias/xaccess/" + BUCKET);
    assertThat(f.storage.pendingDeletion).doesNotContain("victim");
  }

  @Test
  void aFailedKeyRetirementIsRetriedUntilDone() {
    CrossAccountAccess grant = ready(deleteBucket("gone"));
    f.storage.ownedBucket(BUCKET, 0, "uid-gone");
    f.storage.ownedKey("k-" + BUCKET, "uid-gone");
    // Both stacks gone, the bucket deleted, then KMS fails.
    for (int i = 0; i < 4 && f.cfn.stackCount() > 0; i++) {
      f.cleanup(grant);
      grant.setStatus(f.deletionPatches.get(f.deletionPatches.size() - 1).getStatus());
      f.cfn.completeAll();
    }
    f.storage.buckets.remove(BUCKET); // deleted by the step whose key retirement fails
    f.storage.failing =
        new io.xaccess.aws.AwsProblem(
            io.xaccess.aws.AwsProblem.Kind.RECOVERABLE, Reason.AwsUnavailable, "KMS 503", null);
    DeleteControl failed = f.cleanup(grant);
    assertThat(failed.isRemoveFinalizer()).as("not done while the key is not retired").isFalse();
    f.storage.failing = null;
    grant.setStatus(f.deletionPatches.get(f.deletionPatches.size() - 1).getStatus());

    assertThat(f.cleanup(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.storage.retiredKeys).containsExactly("k-" + BUCKET + " alias/xaccess/" + BUCKET);
  }

  @Test
  void aMissingSecretHoldsTheDeletionAndSaysHowToRelease() {
    CrossAccountAccess grant = ready(grant("secret"));
    f.resolveProblem = new GrantProblem(Reason.SecretNotFound, "Secret team/keys does not exist");

    DeleteControl control = f.cleanup(grant);
    assertThat(control.isRemoveFinalizer()).isFalse();
    assertThat(delay(control)).hasMinutes(1);
    CrossAccountAccess patch = f.deletionPatches.get(0);
    assertThat(condition(patch, ConditionType.Stalled).getReason()).isEqualTo("SecretNotFound");
    assertThat(condition(patch, ConditionType.Ready).getMessage())
        .contains("xaccess.io/release-finalizer=true");
  }

  @Test
  void aTerminalAwsAnswerStallsTheDeletionUntilResync() {
    CrossAccountAccess grant = ready(grant("denied"));
    f.cfn.failing =
        new AwsProblem(AwsProblem.Kind.TERMINAL, Reason.AssumeRoleDenied, "cannot assume", null);

    DeleteControl control = f.cleanup(grant);
    assertThat(delay(control)).hasMinutes(10);
    CrossAccountAccess patch = f.deletionPatches.get(0);
    assertThat(condition(patch, ConditionType.Stalled).getReason()).isEqualTo("AssumeRoleDenied");
    assertThat(condition(patch, ConditionType.Ready).getMessage())
        .contains("if the account is gone for good");
  }

  @Test
  void aPassingAwsProblemRetriesAtThePollInterval() {
    CrossAccountAccess grant = ready(grant("throttled"));
    f.cfn.failing =
        new AwsProblem(AwsProblem.Kind.RECOVERABLE, Reason.AwsUnavailable, "throttled", null);

    DeleteControl control = f.cleanup(grant);
    assertThat(delay(control)).hasSeconds(2);
    CrossAccountAccess patch = f.deletionPatches.get(0);
    assertThat(condition(patch, ConditionType.Stalled).getStatus()).isEqualTo("False");
    assertThat(condition(patch, ConditionType.Reconciling).getReason()).isEqualTo("AwsUnavailable");
    assertThat(patch.getStatus().getRetry().getAttempts()).isEqualTo(1);

    grant.setStatus(patch.getStatus());
    assertThat(delay(f.cleanup(grant))).as("backing off").hasSeconds(4);
  }

  @Test
  void anUnexpectedErrorDuringDeletionIsRetriedWithBackoff() {
    CrossAccountAccess grant = ready(grant("bug"));
    f.cfn.failing = new IllegalStateException("codeless answer");

    DeleteControl control = f.cleanup(grant);
    assertThat(control.isRemoveFinalizer()).isFalse();
    assertThat(delay(control)).hasSeconds(2);
    CrossAccountAccess patch = f.deletionPatches.get(0);
    assertThat(condition(patch, ConditionType.Reconciling).getReason()).isEqualTo("ReconcileError");
    assertThat(condition(patch, ConditionType.Ready).getMessage())
        .isEqualTo("cannot delete yet: IllegalStateException: codeless answer");

    f.cfn.failing = null;
    grant.setStatus(patch.getStatus());
    assertThat(deleteFully(grant).isRemoveFinalizer()).isTrue();
  }

  @Test
  void aStackStillBeingCreatedIsDeletedAtOnce() {
    CrossAccountAccess grant = grant("midcreate");
    f.reconcile(grant); // production stack CREATE_IN_PROGRESS
    String prod = StackNames.production("team", "midcreate");

    f.cleanup(grant);
    assertThat(f.cfn.stack(prod).orElseThrow().status()).isEqualTo("DELETE_IN_PROGRESS");
    assertThat(condition(f.deletionPatches.get(0), ConditionType.Ready).getMessage())
        .isEqualTo("production stack: deleting the stack while it is being created");
    assertThat(deleteFully(grant).isRemoveFinalizer()).isTrue();
  }

  @Test
  void anUpdateInProgressIsCancelledSoTheStackCanBeDeleted() {
    CrossAccountAccess grant = ready(grant("midupdate"));
    String dev = StackNames.development("team", "midupdate");
    f.cfn.status(f.cfn.stack(dev).orElseThrow(), "UPDATE_IN_PROGRESS");
    f.cfn.calls.clear();

    DeleteControl first = f.cleanup(grant);
    assertThat(f.cfn.calls).containsExactly("observe", "cancelUpdate");
    assertThat(delay(first)).hasSeconds(1);
    assertThat(condition(f.deletionPatches.get(0), ConditionType.Ready).getMessage())
        .isEqualTo(
            "development stack: cancelling the update in progress so the stack can be deleted");
    f.cfn.completeAll(); // UPDATE_ROLLBACK_COMPLETE
    assertThat(deleteFully(grant).isRemoveFinalizer()).isTrue();
    assertThat(f.cfn.stackCount()).isZero();
  }

  @Test
  void aFailedStatusWriteDoesNotFailTheDeletion() {
    CrossAccountAccess grant = ready(grant("conflict"));
    StatusWriter writer =
        new StatusWriter(
            f.events,
            new io.xaccess.metrics.GrantMetrics(f.registry),
            f.clock,
            patch -> {
              throw new IllegalStateException("409 Conflict");
            });
    writer.deleting(grant, writer.builder(grant).deleting("x"));
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Ready);
  }

  private CrossAccountAccess ready(CrossAccountAccess grant) {
    f.reconcileToReady(grant);
    f.events.recorded.clear();
    return grant;
  }

  private static CrossAccountAccess deleteBucket(String name) {
    return grant(GrantYaml.of("team", name).bucketLines("    deletionPolicy: Delete\n"));
  }

  /** Cleans up until the finalizer may go, finishing each stack operation in between. */
  private DeleteControl deleteFully(CrossAccountAccess grant) {
    for (int i = 0; i < 6; i++) {
      DeleteControl control = f.cleanup(grant);
      if (control.isRemoveFinalizer()) {
        return control;
      }
      // What the API server would hand the next step: the status the last step wrote.
      if (!f.deletionPatches.isEmpty()) {
        grant.setStatus(f.deletionPatches.get(f.deletionPatches.size() - 1).getStatus());
      }
      f.cfn.completeAll();
    }
    throw new AssertionError("deletion did not finish");
  }
}
