package io.xaccess.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.config.XaccessConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Grants under way are carried through to Ready before new ones start. A grant that has not started
 * (nothing of it deployed or found) begins only while fewer than {@code xaccess.max-active-grants}
 * grants are active: being reconciled, woken and waiting for their reconcile, or with a stack
 * operation the operator started whose progress CloudFormation has not shown yet. A grant whose
 * stack CloudFormation shows in progress is not active: it needs nothing from the operator until
 * the stack watch wakes it, so on AWS, where stack operations take tens of seconds, new grants
 * start while others' stacks are provisioned. Otherwise the grant waits here, with no AWS call and
 * no status write, and is woken as soon as an active grant settles: namespaces take turns, and
 * within a namespace first come first served, so a thousand grants applied in one namespace hold
 * back another namespace's new grant by one turn, not by a thousand.
 *
 * <p>Without this the reconcile queue works breadth-first: every new grant's first step, then every
 * second step; with a thousand grants applied at once, the first grant is Ready only when nearly
 * all are. Deletions and grants already under way are never held.
 *
 * <p>Who may make it do what: any namespace that may create a grant may take a place here, as it
 * may take a reconcile thread, but no more than its turn among the namespaces waiting; a grant
 * holds at most one place, only while the operator works on it, and a place held without progress
 * (an event lost, a grant deleted) lapses after {@link #LAPSE}.
 */
@ApplicationScoped
public class StartGate {

  private static final Logger LOG = Logger.getLogger(StartGate.class);

  /** How long a place lapses when its grant shows no progress (woken, released, pending). */
  static final Duration LAPSE = Duration.ofSeconds(30);

  /** A waiting grant is reconciled again after this even if no place was freed (a safety net). */
  static final Duration RECHECK = Duration.ofSeconds(30);

  enum State {
    /** Released from the queue; its reconcile is on its way. */
    RELEASED,
    RECONCILING,
    /** It started a stack operation whose progress has not been seen yet. */
    PENDING,
    /** The stack watch woke it; its reconcile is on its way. */
    WOKEN
  }

  private record Place(State state, Instant since) {}

  private final int limit;
  private final Clock clock;
  private final Map<ResourceID, Place> active = new HashMap<>();

  /** Waiting grants by namespace, the namespaces in turn order (the next to release first). */
  private final Map<String, Set<ResourceID>> waiting = new LinkedHashMap<>();

  private int waitingCount;
  private volatile Consumer<ResourceID> waker;

  @Inject
  public StartGate(XaccessConfig config, Clock clock, MeterRegistry registry) {
    this(config.maxActiveGrants(), clock);
    Gauge.builder("xaccess_grants_waiting_to_start", this, StartGate::waiting)
        .description("Grants not started yet that wait while grants under way are carried through")
        .register(registry);
    Gauge.builder("xaccess_grants_active", this, StartGate::active)
        .description("Grants the operator is working on (xaccess.max-active-grants bounds starts)")
        .register(registry);
  }

  StartGate(int limit, Clock clock) {
    this.limit = Math.max(1, limit);
    this.clock = clock;
  }

  /**
   * A reconcile of {@code grant} begins: true if it may go on. A grant that has not started ({@code
   * fresh}) waits when the active grants fill every place; any other always goes on.
   */
  boolean enter(ResourceID grant, boolean fresh) {
    List<ResourceID> released;
    boolean admitted;
    synchronized (this) {
      Instant now = clock.instant();
      released = lapse(now);
      Place place = active.get(grant);
      admitted = place != null || !fresh || active.size() < limit;
      if (admitted) {
        active.put(grant, new Place(State.RECONCILING, now));
        stopWaiting(grant);
      } else if (waiting.computeIfAbsent(namespace(grant), n -> new LinkedHashSet<>()).add(grant)) {
        waitingCount++;
      }
    }
    wake(released);
    if (!admitted) {
      LOG.debugf(
          "%s/%s waits to start: %d grants are under way",
          grant.getNamespace().orElse(""), grant.getName(), limit);
    }
    return admitted;
  }

  /**
   * The reconcile of {@code grant} ended. Unless it started a stack operation meanwhile (or was
   * woken again), its place is freed.
   */
  void left(ResourceID grant) {
    free(grant, State.RECONCILING);
  }

  /** {@code grant} started a stack operation, or waits on one whose progress was not seen yet. */
  synchronized void pending(ResourceID grant) {
    Place place = active.get(grant);
    if (place == null || place.state() == State.RECONCILING) {
      active.put(grant, new Place(State.PENDING, clock.instant()));
    }
  }

  /** CloudFormation shows {@code grant}'s stack operation in progress: it frees its place. */
  void inProgress(ResourceID grant) {
    free(grant, State.PENDING);
  }

  /** Frees {@code grant}'s place if it holds it {@code as}, and gives it to a waiting grant. */
  private void free(ResourceID grant, State as) {
    List<ResourceID> released;
    synchronized (this) {
      Place place = active.get(grant);
      if (place == null || place.state() != as) {
        return;
      }
      active.remove(grant);
      released = release();
    }
    wake(released);
  }

  /** The stack watch woke {@code grant}: it is active until its reconcile ends. */
  synchronized void woken(ResourceID grant) {
    Place place = active.get(grant);
    if (place == null || place.state() != State.RECONCILING) {
      active.put(grant, new Place(State.WOKEN, clock.instant()));
    }
  }

  /** {@code grant} is gone (deleted). */
  void gone(ResourceID grant) {
    List<ResourceID> released;
    synchronized (this) {
      stopWaiting(grant);
      if (active.remove(grant) == null) {
        return;
      }
      released = release();
    }
    wake(released);
  }

  synchronized int waiting() {
    return waitingCount;
  }

  synchronized int active() {
    return active.size();
  }

  /** Places held without progress for {@link #LAPSE} are freed; returns the grants released. */
  private List<ResourceID> lapse(Instant now) {
    Instant cutoff = now.minus(LAPSE);
    boolean freed =
        active.values().removeIf(p -> p.state() != State.RECONCILING && p.since().isBefore(cutoff));
    return freed ? release() : List.of();
  }

  /** Waiting grants into the free places: a namespace's oldest, the namespaces in turn. */
  private List<ResourceID> release() {
    List<ResourceID> released = new ArrayList<>();
    Instant now = clock.instant();
    while (active.size() < limit && !waiting.isEmpty()) {
      String namespace = waiting.keySet().iterator().next();
      Set<ResourceID> queue = waiting.remove(namespace);
      var it = queue.iterator();
      ResourceID next = it.next();
      it.remove();
      waitingCount--;
      if (!queue.isEmpty()) {
        waiting.put(namespace, queue); // to the back of the turn order
      }
      active.put(next, new Place(State.RELEASED, now));
      released.add(next);
    }
    return released;
  }

  private void stopWaiting(ResourceID grant) {
    Set<ResourceID> queue = waiting.get(namespace(grant));
    if (queue != null && queue.remove(grant)) {
      waitingCount--;
      if (queue.isEmpty()) {
        waiting.remove(namespace(grant));
      }
    }
  }

  private static String namespace(ResourceID grant) {
    return grant.getNamespace().orElse("");
  }

  private void wake(List<ResourceID> released) {
    Consumer<ResourceID> w = waker;
    if (w != null) {
      released.forEach(w);
    }
  }

  /** Starts waking released grants through {@code waker} (tests; the event source does). */
  void start(Consumer<ResourceID> waker) {
    this.waker = waker;
  }

  void stop() {
    waker = null;
    synchronized (this) {
      active.clear();
      waiting.clear();
      waitingCount = 0;
    }
  }

  /** The event source the reconciler registers: it wakes a waiting grant given a place. */
  EventSource<Void, CrossAccountAccess> eventSource() {
    return new WakingEventSource("start-gate", this::start, this::stop);
  }
}
