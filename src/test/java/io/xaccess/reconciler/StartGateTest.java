package io.xaccess.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.xaccess.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StartGateTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-12-07T10:00:00Z"));
  private final StartGate gate = new StartGate(2, clock);
  private final List<ResourceID> released = new ArrayList<>();

  @BeforeEach
  void start() {
    gate.start(released::add);
  }

  private static ResourceID g(String name) {
    return new ResourceID(name, "team");
  }

  @Test
  void newGrantsWaitFirstComeFirstServedWhileEveryPlaceIsTaken() {
    assertThat(gate.enter(g("a"), true)).isTrue();
    assertThat(gate.enter(g("b"), true)).isTrue();
    assertThat(gate.enter(g("c"), true)).isFalse();
    assertThat(gate.enter(g("d"), true)).isFalse();
    // Looked at again (the safety recheck) before a place freed: keeps its turn.
    assertThat(gate.enter(g("c"), true)).isFalse();
    assertThat(gate.waiting()).isEqualTo(2);

    gate.left(g("a"));
    assertThat(released).containsExactly(g("c"));
    // d cannot jump in: the freed place is c's until its reconcile.
    assertThat(gate.enter(g("d"), true)).isFalse();
    assertThat(gate.enter(g("c"), true)).isTrue();
    gate.left(g("c"));
    assertThat(released).containsExactly(g("c"), g("d"));
    assertThat(gate.waiting()).isZero();
  }

  @Test
  void namespacesTakeTurnsSoOneNamespacesBurstDoesNotHoldAnotherBack() {
    gate.enter(g("a"), true);
    gate.enter(g("b"), true);
    for (int i = 0; i < 5; i++) {
      gate.enter(new ResourceID("burst-" + i, "busy"), true);
    }
    ResourceID quiet = new ResourceID("one", "quiet");
    assertThat(gate.enter(quiet, true)).isFalse();
    gate.left(g("a"));
    gate.left(g("b"));
    assertThat(released)
        .as("the busy namespace's oldest, then the quiet one's, not two of the burst")
        .containsExactly(new ResourceID("burst-0", "busy"), quiet);
    assertThat(gate.waiting()).isEqualTo(4);
  }

  @Test
  void grantsUnderWayAndDeletionsNeverWait() {
    gate.enter(g("a"), true);
    gate.enter(g("b"), true);
    assertThat(gate.enter(g("settled"), false)).isTrue();
    assertThat(gate.active()).isEqualTo(3);
    gate.left(g("settled"));
    assertThat(gate.active()).isEqualTo(2);
    assertThat(released).isEmpty();
  }

  @Test
  void aStartedOperationHoldsThePlaceUntilCloudFormationShowsItInProgress() {
    gate.enter(g("a"), true);
    gate.pending(g("a"));
    gate.left(g("a"));
    gate.enter(g("b"), true);
    assertThat(gate.enter(g("c"), true)).isFalse();
    gate.inProgress(g("a"));
    assertThat(released).containsExactly(g("c"));

    // Woken when its stack finished: active again, though the places are full, until its
    // reconcile ends; it never waits.
    gate.woken(g("a"));
    assertThat(gate.active()).isEqualTo(3);
    assertThat(gate.enter(g("a"), false)).isTrue();
    gate.left(g("a"));
    assertThat(gate.active()).isEqualTo(2);
  }

  @Test
  void wokenDuringItsOwnReconcileItKeepsThePlace() {
    gate.enter(g("a"), true);
    gate.pending(g("a"));
    gate.woken(g("a")); // the listing answered before the reconcile returned
    gate.left(g("a"));
    assertThat(gate.active()).isEqualTo(1);
  }

  @Test
  void aPlaceWithoutProgressLapsesButAReconcileNeverDoes() {
    gate.enter(g("slow"), true); // its reconcile takes long
    gate.woken(g("b")); // its event lost: the grant was deleted, say
    assertThat(gate.enter(g("c"), true)).isFalse();
    assertThat(gate.enter(g("d"), true)).isFalse();
    clock.advance(StartGate.LAPSE.plus(Duration.ofSeconds(1)));
    // b's place lapses and goes to c; the slow reconcile keeps its own.
    assertThat(gate.enter(g("d"), true)).isFalse();
    assertThat(released).containsExactly(g("c"));
    assertThat(gate.enter(g("c"), true)).isTrue();
    gate.left(g("slow"));
    assertThat(released).containsExactly(g("c"), g("d"));
  }

  @Test
  void aDeletedGrantGivesUpItsPlaceAndItsTurn() {
    gate.enter(g("a"), true);
    gate.enter(g("b"), true);
    gate.enter(g("c"), true);
    gate.enter(g("d"), true);
    gate.gone(g("c"));
    gate.gone(g("a"));
    assertThat(released).containsExactly(g("d"));
  }
}
