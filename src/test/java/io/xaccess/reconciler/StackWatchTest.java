package io.xaccess.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsProblem;
import io.xaccess.cloudformation.ObservedStack;
import io.xaccess.cloudformation.StackProgress;
import io.xaccess.grant.Grant;
import io.xaccess.testing.FakeCloudFormation;
import io.xaccess.testing.TestClock;
import io.xaccess.testing.TestSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stack watch's rules, on CloudFormation in memory with rounds run by hand. */
class StackWatchTest {

  private static final Grant.Account TEAM_A =
      new Grant.Account(
          "111111111111",
          "eu-west-1",
          new Grant.Credentials.AssumeRole(
              "arn:aws:iam::111111111111:role/xaccess-deployer", Optional.empty(), "team-a"));
  private static final Grant.Account TEAM_B =
      new Grant.Account(
          "111111111111",
          "eu-west-1",
          new Grant.Credentials.AssumeRole(
              "arn:aws:iam::111111111111:role/xaccess-deployer", Optional.empty(), "team-b"));

  private final TestSettings settings = new TestSettings();
  private final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:00:00Z"));
  private final FakeCloudFormation cfn = new FakeCloudFormation();
  private final StartGate gate = new StartGate(50, clock);
  private final List<ResourceID> woken = new ArrayList<>();
  private StackWatch watch;

  @BeforeEach
  void started() {
    settings.stackWatchInterval = Duration.ofMillis(500);
    watch = new StackWatch(cfn, settings, clock, gate);
    watch.start(woken::add, Runnable::run);
  }

  private void stack(String name, String status) {
    cfn.put(
        new ObservedStack(
            "arn:aws:cloudformation:eu-west-1:111111111111:stack/" + name + "/1",
            name,
            status,
            "",
            Map.of(),
            null,
            Map.of(),
            Map.of()));
  }

  private static ResourceID grant(String name) {
    return new ResourceID(name, "team-a");
  }

  @Test
  void aGrantIsWokenOnceItsStackLeavesProgressAndNotBefore() {
    stack("xaccess-team-a-g1-prod", "CREATE_IN_PROGRESS");
    assertThat(watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"))).isTrue();

    watch.round();
    assertThat(woken).isEmpty();
    assertThat(watch.waiting()).isEqualTo(1);

    cfn.completeAll();
    watch.round();
    assertThat(woken).containsExactly(grant("g1"));
    assertThat(watch.waiting()).isZero();

    // Nobody waits: a round asks nothing.
    int listings = cfn.listed.size();
    watch.round();
    assertThat(cfn.listed).hasSize(listings);
  }

  @Test
  void oneListingPerIdentityAndRoundWhateverTheNumberOfGrants() {
    for (int i = 0; i < 50; i++) {
      stack("xaccess-team-a-g" + i + "-prod", "CREATE_IN_PROGRESS");
      watch.await(TEAM_A, "xaccess-team-a-g" + i + "-prod", grant("g" + i));
    }
    stack("xaccess-team-b-h-prod", "UPDATE_IN_PROGRESS");
    watch.await(TEAM_B, "xaccess-team-b-h-prod", new ResourceID("h", "team-b"));

    watch.round();
    assertThat(cfn.listed).hasSize(2).containsExactlyInAnyOrder(TEAM_A, TEAM_B);
    assertThat(woken).isEmpty();

    cfn.completeAll();
    watch.round();
    assertThat(cfn.listed).hasSize(4);
    assertThat(woken).hasSize(51);
  }

  @Test
  void aGrantThatRegistersWhileTheListingIsUnderWayWaitsForTheNextOne() {
    stack("xaccess-team-a-g1-prod", "CREATE_COMPLETE");
    watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"));
    cfn.onList =
        () -> {
          // g2 starts an operation on its stack after the question went out.
          clock.advance(Duration.ofMillis(10));
          watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g2"));
        };
    watch.round();
    assertThat(woken).containsExactly(grant("g1"));
    assertThat(watch.waiting()).isEqualTo(1);
  }

  @Test
  void aFailedListingWakesEveryWaitingGrantWhichThenPollsUntilRetryAfter() {
    stack("xaccess-team-a-g1-prod", "CREATE_IN_PROGRESS");
    stack("xaccess-team-a-g2-prod", "CREATE_IN_PROGRESS");
    watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"));
    watch.await(TEAM_A, "xaccess-team-a-g2-prod", grant("g2"));
    cfn.failing =
        new AwsProblem(
            AwsProblem.Kind.TERMINAL, Reason.AccessDenied, "not authorized: ListStacks", null);
    watch.round();
    cfn.failing = null;
    assertThat(woken).containsExactlyInAnyOrder(grant("g1"), grant("g2"));
    // Until retry-after, the grants of that identity poll; another identity is not concerned.
    assertThat(watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"))).isFalse();
    assertThat(watch.await(TEAM_B, "xaccess-team-b-h-prod", new ResourceID("h", "team-b")))
        .isTrue();
    clock.advance(settings.stackWatchRetryAfter.plusSeconds(1));
    assertThat(watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"))).isTrue();
  }

  @Test
  void throttlingSlowsTheListingDownAndOnlyPersistentFailureFallsBackToPolling() {
    stack("xaccess-team-a-g1-prod", "CREATE_IN_PROGRESS");
    watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"));
    cfn.failing =
        new AwsProblem(AwsProblem.Kind.RECOVERABLE, Reason.AwsUnavailable, "Rate exceeded", null);
    watch.round();
    assertThat(woken).isEmpty();
    assertThat(watch.waiting()).isEqualTo(1);
    // Paused: the next round asks nothing.
    int listings = cfn.listed.size();
    watch.round();
    assertThat(cfn.listed).hasSize(listings);
    for (int i = 1; i < StackWatch.PASSING_FAILURES_BEFORE_FALLBACK; i++) {
      clock.advance(StackWatch.MAX_PAUSE.plusSeconds(1));
      watch.round();
    }
    assertThat(woken).containsExactly(grant("g1"));
    assertThat(watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"))).isFalse();
    cfn.failing = null;
  }

  @Test
  void aStackTheListingNeverShowedInProgressIsPolledIfItIsRegisteredAgainAtOnce() {
    // Say DescribeStacks and ListStacks disagree: the watch must not wake the grant every round.
    stack("xaccess-team-a-g1-prod", "UPDATE_COMPLETE");
    watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"));
    watch.round();
    assertThat(woken).hasSize(1);
    assertThat(watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"))).isFalse();
    clock.advance(settings.pollInterval().plusMillis(1));
    assertThat(watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"))).isTrue();
  }

  @Test
  void onlyAStackInAnOperationIsWatchedAndAWatchedGrantLooksItselfOnlyAtTheFallback() {
    CrossAccountAccess resource = ReconcilerFixture.grant("g1");
    StackProgress creating =
        new StackProgress(
            StackProgress.State.IN_PROGRESS,
            null,
            "CREATE_IN_PROGRESS",
            Map.of(),
            "h",
            null,
            Reason.Creating,
            "creating the stack");
    assertThat(watch.lookAgain(resource, TEAM_A, "xaccess-team-a-g1-prod", creating))
        .isEqualTo(settings.stackWatchFallback);
    // A change set being made leaves the stack as it is: nothing for ListStacks to see, so poll.
    StackProgress changeSetPending =
        new StackProgress(
            StackProgress.State.IN_PROGRESS,
            "arn:aws:cloudformation:eu-west-1:111111111111:stack/xaccess-team-a-g1-prod/1",
            "CREATE_COMPLETE",
            Map.of(),
            "h",
            null,
            Reason.Updating,
            "preparing the change set");
    assertThat(watch.lookAgain(resource, TEAM_A, null, changeSetPending))
        .isEqualTo(PollDelay.after(changeSetPending, settings));
    StackProgress stuck =
        new StackProgress(
            StackProgress.State.IN_PROGRESS,
            "arn:aws:cloudformation:eu-west-1:111111111111:stack/xaccess-team-a-g1-prod/1",
            "UPDATE_IN_PROGRESS",
            Map.of(),
            "h",
            null,
            Reason.StackStuck,
            "stuck");
    assertThat(watch.lookAgain(resource, TEAM_A, null, stuck))
        .isEqualTo(settings.stalledRecheckInterval());
  }

  @Test
  void theStartGateLearnsWhichGrantsWaitOnCloudFormationAndWhichWereWoken() {
    ResourceID g1 = grant("g1");
    stack("xaccess-team-a-g1-prod", "CREATE_IN_PROGRESS");
    assertThat(gate.enter(g1, true)).isTrue();
    watch.await(TEAM_A, "xaccess-team-a-g1-prod", g1, true);
    gate.left(g1);
    assertThat(gate.active()).as("started an operation not seen yet: still active").isEqualTo(1);
    watch.round();
    assertThat(gate.active()).as("CloudFormation works on it: its place is free").isZero();

    stack("xaccess-team-a-g1-prod", "CREATE_COMPLETE");
    watch.round();
    assertThat(woken).containsExactly(g1);
    assertThat(gate.active()).as("woken: active until its reconcile ends").isEqualTo(1);
    gate.enter(g1, false);
    gate.left(g1);
    assertThat(gate.active()).isZero();
  }

  @Test
  void anOperationJustStartedIsLookedAtSoonWithoutWaitingForTheRound() throws Exception {
    StackWatch timed = new StackWatch(cfn, settings, java.time.Clock.systemUTC(), gate);
    settings.stackWatchInterval = Duration.ofMinutes(10); // no round within this test
    List<ResourceID> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    timed.start(seen::add);
    try {
      stack("xaccess-team-a-g1-prod", "CREATE_COMPLETE");
      assertThat(timed.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"), true)).isTrue();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> seen.contains(grant("g1")));
      // Registered without having started it: only the round (ten minutes away) looks.
      assertThat(timed.await(TEAM_A, "xaccess-team-a-g2-prod", grant("g2"), false)).isTrue();
      Thread.sleep(500);
      assertThat(seen).containsExactly(grant("g1"));

      // Where an early look finds nothing ended (stacks that take long, as on AWS), the next
      // operations started get none: only the rounds, and a probe a minute.
      stack("xaccess-team-a-g2-prod", "CREATE_IN_PROGRESS");
      stack("xaccess-team-a-g3-prod", "CREATE_IN_PROGRESS");
      int listings = cfn.listed.size();
      timed.await(TEAM_A, "xaccess-team-a-g3-prod", grant("g3"), true);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> cfn.listed.size() == listings + 1);
      Thread.sleep(300);
      stack("xaccess-team-a-g4-prod", "CREATE_COMPLETE");
      timed.await(TEAM_A, "xaccess-team-a-g4-prod", grant("g4"), true);
      Thread.sleep(500);
      assertThat(cfn.listed).hasSize(listings + 1);
      assertThat(seen).doesNotContain(grant("g4"));
    } finally {
      timed.stop();
    }
  }

  @Test
  void offOrNotStartedEveryGrantPollsItsOwnStack() {
    StackWatch off = new StackWatch(cfn, settings, clock, gate);
    assertThat(off.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"))).isFalse();
    settings.stackWatchInterval = Duration.ZERO;
    assertThat(watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"))).isFalse();
    watch.stop();
    settings.stackWatchInterval = Duration.ofMillis(500);
    assertThat(watch.await(TEAM_A, "xaccess-team-a-g1-prod", grant("g1"))).isFalse();
  }
}
