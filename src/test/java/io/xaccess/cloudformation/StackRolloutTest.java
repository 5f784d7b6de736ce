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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout's decisions for every stack state, against an in-memory CloudFormation. */
class StackRolloutTest {

  private static final Grant.Account ACCOUNT =
      new Grant.Account("111111111111", "us-east-1", new Grant.Credentials.OperatorIdentity());
  private static final StackOwner OWNER = new StackOwner("uid-a", "ns", "a", Optional.empty());
  private static final Map<String, String> OWN_TAGS =
      Map.of(StackOwner.UID_TAG, "uid-a", StackOwner.NAMESPACE_TAG, "ns", StackOwner.NAME_TAG, "a");
  private static final StackRequest DESIRED =
      new StackRequest(
          "xaccess-ns-a-0123456789-prod",
          StackTemplate.PRODUCTION,
          Map.of(),
          OWN_TAGS,
          "a".repeat(64),
          List.of("xaccess-ns-a-prod"),
          OWNER);
  private static final String OLD = "b".repeat(64);

  private final FakeCloudFormation cfn = new FakeCloudFormation();
  private final RecordingGuard guard = new RecordingGuard();
  private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final StackRollout rollout =
      new StackRollout(
          cfn, guard, new GrantMetrics(new SimpleMeterRegistry()), new TestSettings(), clock);

  @Test
  void createsAMissingStackOnce() {
    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, null, null);

    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(progress.appliedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(progress.started()).as("a just-started create is looked at soon").isTrue();
    assertThat(cfn.calls)
        .as("status records no stack: nothing to look up, the create says whether the name is free")
        .containsExactly("create");
  }

  @Test
  void aStackUnderTheNameWhenNothingIsRecordedIsLookedAtAndKeptAsItIs() {
    // The create went through before and the status write after it was lost: the grant's own.
    cfn.put(stack("CREATE_COMPLETE"));
    StackProgress own = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, null, null);
    assertThat(cfn.calls).startsWith("create", "observe");
    assertThat(own.stackId()).isEqualTo("arn:stack/" + DESIRED.stackName());

    // Someone else's under the name: a conflict, and nothing of it changed.
    cfn.calls.clear();
    cfn.put(stack(DESIRED.stackName(), "CREATE_COMPLETE", Map.of(StackOwner.UID_TAG, "uid-b")));
    StackProgress foreign = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, null, null);
    assertThat(foreign.state()).isEqualTo(StackProgress.State.CONFLICT);
    assertThat(cfn.calls).containsExactly("create", "observe", "observe");
    assertThat(cfn.stack(DESIRED.stackName()).orElseThrow().tags())
        .containsEntry(StackOwner.UID_TAG, "uid-b");
  }

  @Test
  void aGrantToldToAdoptLooksBeforeItCreates() {
    StackRequest adopting = ownedBy(new StackOwner("uid-a", "ns", "a", Optional.of("uid-old")));
    rollout.advance(Side.PRODUCTION, ACCOUNT, adopting, null, null, null);
    assertThat(cfn.calls).containsExactly("observe", "observe", "create");
  }

  @Test
  void aStackFoundDeployedIsRememberedForMomentsNotLonger() {
    String applied = DESIRED.configurationHash();
    cfn.put(stack("CREATE_COMPLETE"));
    assertThat(rollout.recentlyReady(ACCOUNT, DESIRED, DESIRED.stackName(), applied))
        .as("never found deployed in this process")
        .isEmpty();
    StackProgress found =
        rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, DESIRED.stackName(), applied, null);
    assertThat(found.ready()).isTrue();
    cfn.calls.clear();

    assertThat(rollout.recentlyReady(ACCOUNT, DESIRED, DESIRED.stackName(), applied))
        .contains(found);
    assertThat(cfn.calls).as("no call").isEmpty();
    assertThat(rollout.recentlyReady(ACCOUNT, DESIRED, DESIRED.stackName(), OLD))
        .as("another configuration recorded")
        .isEmpty();
    StackRequest other = ownedBy(new StackOwner("uid-b", "ns", "a", Optional.empty()));
    assertThat(rollout.recentlyReady(ACCOUNT, other, DESIRED.stackName(), applied))
        .as("a later grant of the same name (another uid)")
        .isEmpty();

    clock.advance(StackRollout.RECENT.plusSeconds(1));
    assertThat(rollout.recentlyReady(ACCOUNT, DESIRED, DESIRED.stackName(), applied))
        .as("too long ago")
        .isEmpty();

    // Found in progress again: forgotten at once.
    rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, DESIRED.stackName(), applied, null);
    cfn.put(stack("UPDATE_IN_PROGRESS"));
    rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, DESIRED.stackName(), applied, null);
    assertThat(rollout.recentlyReady(ACCOUNT, DESIRED, DESIRED.stackName(), applied)).isEmpty();
  }

  @Test
  void waitsWhileInProgress() {
    cfn.put(stack("UPDATE_IN_PROGRESS"));
    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, OLD, null);
    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(progress.started()).as("one found under way waits a poll interval").isFalse();
    assertThat(cfn.calls).containsExactly("observe");
  }

  @Test
  void isReadyWhenTheAppliedConfigurationIsTheDesiredOne() {
    cfn.put(stack("CREATE_COMPLETE"));
    StackProgress progress =
        rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, DESIRED.configurationHash(), null);
    assertThat(progress.ready()).isTrue();
    assertThat(progress.outputs()).containsEntry("RoleArn", "arn:aws:iam::111111111111:role/r");
    assertThat(cfn.calls).containsExactly("observe");
  }

  @Test
  void updatesThroughANamedChangeSet() {
    cfn.put(stack("CREATE_COMPLETE"));
    cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.ABSENT);
    assertThat(rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, OLD, null).state())
        .isEqualTo(StackProgress.State.IN_PROGRESS);
    cfn.changeSet = ChangeSetState.of(ChangeSetState.Kind.READY);
    StackProgress executing = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, OLD, null);

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
    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, OLD, null);
    assertThat(progress.ready()).isTrue();
    assertThat(progress.appliedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(cfn.calls).contains("deleteChangeSet");
  }

  @Test
  void aFailedCreateIsDeletedReportedWithItsFirstFailureAndNotRetried() {
    cfn.put(stack("ROLLBACK_COMPLETE"));
    cfn.failure = Optional.of("Bucket: acme already exists");
    StackProgress failed =
        rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, DESIRED.configurationHash(), null);

    assertThat(failed.state()).isEqualTo(StackProgress.State.FAILED);
    assertThat(failed.message()).contains("Bucket: acme already exists");
    assertThat(failed.failedHash()).isEqualTo(DESIRED.configurationHash());
    assertThat(cfn.calls).contains("delete");

    cfn.remove(DESIRED.stackName());
    cfn.calls.clear();
    StackProgress again =
        rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, null, failed.failedHash());
    assertThat(again.state()).isEqualTo(StackProgress.State.FAILED);
    // No new create for the same configuration.
    assertThat(cfn.calls).containsExactly("observe", "observe");
  }

  @Test
  void aChangedConfigurationIsTriedAgainAfterAFailure() {
    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, null, OLD);
    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.calls).containsExactly("observe", "observe", "create");
  }

  @Test
  void aFailedUpdateRollbackIsContinued() {
    cfn.put(stack("UPDATE_ROLLBACK_FAILED"));
    assertThat(
            rollout
                .advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, DESIRED.configurationHash(), null)
                .state())
        .isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.calls).contains("continueUpdateRollback");
  }

  @Test
  void aRolledBackUpdateOfTheDesiredConfigurationFails() {
    cfn.put(stack("UPDATE_ROLLBACK_COMPLETE"));
    cfn.failure = Optional.of("Role: policy too large");
    StackProgress progress =
        rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, DESIRED.configurationHash(), null);
    assertThat(progress.state()).isEqualTo(StackProgress.State.FAILED);
    assertThat(progress.message()).contains("policy too large");
  }

  @Test
  void removalWaitsForOperationsAndIsDoneWhenTheStackIsGone() {
    cfn.put(stack("UPDATE_IN_PROGRESS"));
    assertThat(remove().state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.calls).doesNotContain("delete");
    cfn.put(stack("CREATE_COMPLETE"));
    StackProgress deleting = remove();
    assertThat(deleting.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(deleting.started()).isTrue();
    assertThat(cfn.calls).contains("delete");
    cfn.remove(DESIRED.stackName());
    assertThat(remove().state()).isEqualTo(StackProgress.State.GONE);
  }

  @Test
  void aStackOfAnotherGrantUnderTheNameIsAConflictAndNeverTouched() {
    cfn.put(stack(DESIRED.stackName(), "CREATE_COMPLETE", Map.of(StackOwner.UID_TAG, "uid-b")));

    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, OLD, null);

    assertThat(progress.state()).isEqualTo(StackProgress.State.CONFLICT);
    assertThat(progress.reason()).isEqualTo(io.xaccess.api.v1alpha1.Reason.StackConflict);
    assertThat(progress.message()).contains("uid-b").contains("xaccess.io/adopt-uid=uid-b");
    assertThat(progress.stackId()).isNull();
    assertThat(cfn.calls).containsOnly("observe");
    assertThat(remove().state()).isEqualTo(StackProgress.State.GONE);
    assertThat(remove().reason()).isEqualTo(io.xaccess.api.v1alpha1.Reason.StackConflict);
    assertThat(cfn.calls).containsOnly("observe");
  }

  @Test
  void aStackWithoutUidTagIsNobodysAndNeverTouched() {
    cfn.put(stack(DESIRED.stackName(), "CREATE_COMPLETE", Map.of()));

    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, OLD, null);

    assertThat(progress.state()).isEqualTo(StackProgress.State.CONFLICT);
    assertThat(progress.message()).contains("carries no xaccess.io/uid tag");
  }

  @Test
  void theGrantsOwnStackUnderItsFormerNameIsKeptThere() {
    cfn.put(stack("xaccess-ns-a-prod", "CREATE_COMPLETE", OWN_TAGS));

    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, OLD, null);

    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.calls).containsExactly("observe", "observe", "changeSet", "createChangeSet");
    cfn.calls.clear();
    // Once recorded, the former name is looked at first: one DescribeStacks per reconcile.
    rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, "xaccess-ns-a-prod", OLD, null);
    assertThat(cfn.calls).startsWith("observe", "changeSet");
  }

  @Test
  void anotherGrantsStackUnderTheAmbiguousFormerNameIsIgnored() {
    // team + a-x and team-a + x once shared a stack name; only the uid tells them apart.
    cfn.put(stack("xaccess-ns-a-prod", "CREATE_COMPLETE", Map.of(StackOwner.UID_TAG, "uid-b")));

    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, null, null);

    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.stack(DESIRED.stackName())).isPresent();
    assertThat(cfn.stack("xaccess-ns-a-prod").orElseThrow().tags())
        .containsEntry(StackOwner.UID_TAG, "uid-b");
    assertThat(remove().state()).isEqualTo(StackProgress.State.IN_PROGRESS);
    assertThat(cfn.stack("xaccess-ns-a-prod").orElseThrow().status()).isEqualTo("CREATE_COMPLETE");
  }

  @Test
  void adoptionTakesOnlyAStackOfTheSameNamespaceAndName() {
    StackOwner adopting = new StackOwner("uid-a", "ns", "a", Optional.of("uid-old"));
    StackRequest request = ownedBy(adopting);
    cfn.put(
        stack(
            DESIRED.stackName(),
            "CREATE_COMPLETE",
            Map.of(
                StackOwner.UID_TAG,
                "uid-old",
                StackOwner.NAMESPACE_TAG,
                "other",
                StackOwner.NAME_TAG,
                "a")));
    assertThat(rollout.advance(Side.PRODUCTION, ACCOUNT, request, null, OLD, null).state())
        .isEqualTo(StackProgress.State.CONFLICT);

    cfn.put(
        stack(
            DESIRED.stackName(),
            "CREATE_COMPLETE",
            Map.of(
                StackOwner.UID_TAG,
                "uid-old",
                StackOwner.NAMESPACE_TAG,
                "ns",
                StackOwner.NAME_TAG,
                "a")));
    assertThat(rollout.advance(Side.PRODUCTION, ACCOUNT, request, null, OLD, null).state())
        .isEqualTo(StackProgress.State.IN_PROGRESS);
  }

  @Test
  void aRefusedCreateIsAConflictAndNothingIsCreated() {
    guard.refusal =
        Optional.of(
            new StackGuard.Refusal(
                io.xaccess.api.v1alpha1.Reason.ForeignBucketPolicy, "bucket has a policy"));

    StackProgress progress = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, null, null);

    assertThat(progress.state()).isEqualTo(StackProgress.State.CONFLICT);
    assertThat(progress.failedHash()).as("re-checked, not remembered as failed").isNull();
    assertThat(cfn.calls).doesNotContain("create");
  }

  @Test
  void aFailedCreateHandsItsResourcesToTheGuardBeforeTheStackIsDeleted() {
    cfn.instant = true;
    rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, null, null);
    cfn.status(cfn.stack(DESIRED.stackName()).orElseThrow(), "ROLLBACK_COMPLETE");
    cfn.calls.clear();

    rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, DESIRED.configurationHash(), null);

    assertThat(guard.failedCreates).hasSize(1);
    assertThat(cfn.calls).containsSubsequence("resources", "delete");
  }

  @Test
  void keepingTheDeployedStackNeverCreatesNorCleansUpOne() {
    StackRequest keep =
        GrantStacks.keepingDeployed(Side.PRODUCTION, OWNER, Map.of("AccessOpen", "false"));

    StackProgress missing = rollout.advance(Side.PRODUCTION, ACCOUNT, keep, null, OLD, null);
    assertThat(missing.state()).isEqualTo(StackProgress.State.GONE);
    cfn.put(stack(keep.stackName(), "ROLLBACK_COMPLETE", OWN_TAGS));
    StackProgress failed = rollout.advance(Side.PRODUCTION, ACCOUNT, keep, null, OLD, null);
    assertThat(failed.state()).isEqualTo(StackProgress.State.GONE);
    assertThat(cfn.calls).containsOnly("observe");
    assertThat(guard.failedCreates).isEmpty();
  }

  @Test
  void keepingTheDeployedStackNamesEveryOtherParameterAsPrevious() {
    StackRequest keep =
        GrantStacks.keepingDeployed(Side.PRODUCTION, OWNER, Map.of("AccessOpen", "false"));
    cfn.put(
        new ObservedStack(
            "arn:stack/" + keep.stackName(),
            keep.stackName(),
            "UPDATE_COMPLETE",
            "",
            Map.of(),
            null,
            OWN_TAGS,
            Map.of("AccessOpen", "true", "RoleName", "r", "ExternalId", "****")));

    rollout.advance(Side.PRODUCTION, ACCOUNT, keep, null, OLD, null);

    assertThat(cfn.calls).containsExactly("observe", "changeSet", "createChangeSet");
    StackRequest sent = cfn.changeSets.get(0);
    assertThat(sent.keepDeployed()).isTrue();
    assertThat(sent.parameters()).isEqualTo(Map.of("AccessOpen", "false"));
    assertThat(sent.previousValues()).containsExactlyInAnyOrder("RoleName", "ExternalId");
    assertThat(sent.configurationHash())
        .as("of the changes alone")
        .isEqualTo(
            GrantStacks.keepingDeployed(Side.PRODUCTION, OWNER, Map.of("AccessOpen", "false"))
                .configurationHash())
        .isNotEqualTo(
            GrantStacks.keepingDeployed(Side.DEVELOPMENT, OWNER, Map.of("AccessOpen", "false"))
                .configurationHash());
  }

  // --- a stack made by hand, named by the spec (production.stackName) ---

  private static final String RUNBOOK = "dev-to-prod-s3";

  private static StackRequest adopting() {
    return new StackRequest(
        RUNBOOK,
        DESIRED.template(),
        DESIRED.parameters(),
        DESIRED.tags(),
        DESIRED.configurationHash(),
        List.of(),
        new StackOwner("uid-a", "ns", "a", Optional.empty(), java.util.Set.of(RUNBOOK)));
  }

  @Test
  void aStackMadeByHandThatTheSpecNamesIsTakenOverByAnUpdateOnceTheGuardAgrees() {
    cfn.put(stack(RUNBOOK, "UPDATE_COMPLETE", Map.of("team", "platform")));
    cfn.templates.put(RUNBOOK, "Resources: {}");
    StackProgress progress =
        rollout.advance(Side.PRODUCTION, ACCOUNT, adopting(), null, null, null);
    assertThat(guard.adoptionTemplates).containsExactly("Resources: {}");
    assertThat(cfn.calls).contains("observe", "template", "createChangeSet");
    assertThat(cfn.calls).doesNotContain("create", "delete");
    assertThat(progress.state()).isEqualTo(StackProgress.State.IN_PROGRESS);
  }

  @Test
  void aStackMadeByHandIsNotTakenOverWhenTheGuardRefusesOrItIsNotSettledAndNeverDeleted() {
    cfn.put(stack(RUNBOOK, "UPDATE_COMPLETE", Map.of()));
    guard.adoptRefusal =
        Optional.of(new StackGuard.Refusal(io.xaccess.api.v1alpha1.Reason.AdoptionRefused, "no"));
    StackProgress refused = rollout.advance(Side.PRODUCTION, ACCOUNT, adopting(), null, null, null);
    assertThat(refused.state()).isEqualTo(StackProgress.State.CONFLICT);
    assertThat(refused.reason()).isEqualTo(io.xaccess.api.v1alpha1.Reason.AdoptionRefused);
    assertThat(cfn.calls).doesNotContain("createChangeSet", "create", "delete");

    // A failed create made by hand would be deleted if it were the grant's: it is not.
    cfn.calls.clear();
    cfn.put(stack(RUNBOOK, "ROLLBACK_COMPLETE", Map.of()));
    StackProgress failed = rollout.advance(Side.PRODUCTION, ACCOUNT, adopting(), null, null, null);
    assertThat(failed.reason()).isEqualTo(io.xaccess.api.v1alpha1.Reason.AdoptionRefused);
    assertThat(failed.message()).contains("ROLLBACK_COMPLETE");
    assertThat(cfn.calls).doesNotContain("delete", "createChangeSet");
    assertThat(cfn.stack(RUNBOOK)).isPresent();
  }

  @Test
  void aStackTheSpecNamesThatAnotherGrantClaimsIsAConflictAndAnUnnamedOneIsNeverAdopted() {
    cfn.put(stack(RUNBOOK, "UPDATE_COMPLETE", Map.of(StackOwner.UID_TAG, "uid-b")));
    StackProgress claimed = rollout.advance(Side.PRODUCTION, ACCOUNT, adopting(), null, null, null);
    assertThat(claimed.reason()).isEqualTo(io.xaccess.api.v1alpha1.Reason.StackConflict);
    assertThat(guard.adoptionTemplates).isEmpty();

    // An untagged stack under the operator's own name, which the spec does not name: not adopted.
    cfn.put(stack(DESIRED.stackName(), "CREATE_COMPLETE", Map.of()));
    StackProgress unnamed = rollout.advance(Side.PRODUCTION, ACCOUNT, DESIRED, null, null, null);
    assertThat(unnamed.reason()).isEqualTo(io.xaccess.api.v1alpha1.Reason.StackConflict);
  }

  @Test
  void aStackMadeByHandThatWasNeverTakenOverIsLeftAloneOnDeletion() {
    cfn.put(stack(RUNBOOK, "UPDATE_COMPLETE", Map.of()));
    StackProgress progress =
        rollout.remove(
            Side.PRODUCTION,
            ACCOUNT,
            adopting().owner(),
            List.of(RUNBOOK),
            RUNBOOK,
            resources -> {
              throw new AssertionError("nothing of it is removed");
            });
    assertThat(progress.state()).isEqualTo(StackProgress.State.GONE);
    assertThat(progress.message()).contains("left stack " + RUNBOOK + " alone");
    assertThat(cfn.calls).doesNotContain("delete");
    assertThat(cfn.stack(RUNBOOK)).isPresent();
  }

  private StackProgress remove() {
    return rollout.remove(
        Side.PRODUCTION,
        ACCOUNT,
        OWNER,
        List.of(DESIRED.stackName(), "xaccess-ns-a-prod"),
        null,
        null);
  }

  /** The desired request, for a grant of this owner. */
  private static StackRequest ownedBy(StackOwner owner) {
    return new StackRequest(
        DESIRED.stackName(),
        DESIRED.template(),
        DESIRED.parameters(),
        DESIRED.tags(),
        DESIRED.configurationHash(),
        DESIRED.formerNames(),
        owner);
  }

  private static ObservedStack stack(String status) {
    return stack(DESIRED.stackName(), status, OWN_TAGS);
  }

  private static ObservedStack stack(String name, String status, Map<String, String> tags) {
    return new ObservedStack(
        "arn:stack/" + name,
        name,
        status,
        "",
        Map.of("RoleArn", "arn:aws:iam::111111111111:role/r"),
        null,
        tags);
  }

  /** A guard that refuses when told to and records failed creates. */
  private static final class RecordingGuard implements StackGuard {
    Optional<Refusal> refusal = Optional.empty();
    Optional<Refusal> adoptRefusal = Optional.empty();
    final List<Map<String, String>> failedCreates = new java.util.ArrayList<>();
    final List<String> adoptionTemplates = new java.util.ArrayList<>();

    @Override
    public Optional<Refusal> beforeAdopt(
        Side side, Grant.Account account, StackRequest request, String deployedTemplate) {
      adoptionTemplates.add(deployedTemplate);
      return adoptRefusal;
    }

    @Override
    public Optional<Refusal> beforeCreate(Side side, Grant.Account account, StackRequest request) {
      return refusal;
    }

    @Override
    public void failedCreate(
        Side side, Grant.Account account, StackOwner owner, Map<String, String> resources) {
      failedCreates.add(resources);
    }
  }
}
