package io.xaccess.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.aws.AwsClients;
import io.xaccess.aws.AwsProblem;
import io.xaccess.cloudformation.StackGateway;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.cloudformation.StackProgress;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Grant;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Stack operations watched together instead of each grant polling its own stack. A grant whose step
 * left a stack in an operation ({@code *_IN_PROGRESS}) registers it here; every {@code
 * xaccess.stack-watch.interval} each identity (account, region and deployer session: the
 * namespace's own) with a waiting grant is asked once which of its stacks are in progress
 * (ListStacks, every page), and exactly the grants whose stacks are no longer among them are woken.
 * The calls while stacks are in progress are thus one per identity and interval, whatever the
 * number of grants; when no grant waits, none.
 *
 * <p>Who may make it do what: a grant registers only the stack its own step just observed, under
 * the identity its own calls use, so a listing runs with the namespace's own deployer session and
 * wakes only grants of that identity; a wake is only a reconcile, which decides everything again.
 * When listing is refused for an identity (the deployer role lacks {@code
 * cloudformation:ListStacks}), or fails five times in a row for a passing reason (throttling, 5xx:
 * the identity is asked less often meanwhile, its grants keep waiting), its grants are woken and
 * poll their own stacks every pollInterval until {@code retry-after} has passed.
 */
@ApplicationScoped
public class StackWatch {

  private static final Logger LOG = Logger.getLogger(StackWatch.class);

  /** Identities listed at the same time (each listing is one blocking HTTP call or a few). */
  static final int LISTING_THREADS = 4;

  /** The least time between two listings of one identity when an early look is asked for. */
  static final Duration MIN_GAP = Duration.ofMillis(100);

  /** Passing failures (throttling, 5xx) in a row before the identity's grants poll instead. */
  static final int PASSING_FAILURES_BEFORE_FALLBACK = 5;

  /** The longest pause of an identity after a passing failure. */
  static final Duration MAX_PAUSE = Duration.ofSeconds(30);

  /** How often early looks are tried again for an identity where they found nothing ended. */
  static final Duration EARLY_PROBE = Duration.ofMinutes(1);

  private final StackGateway gateway;
  private final XaccessConfig config;
  private final Clock clock;
  private final Map<Grant.Account, Identity> identities = new ConcurrentHashMap<>();

  private volatile Consumer<ResourceID> waker;
  private Executor listing;
  private ScheduledExecutorService ticker;
  private ExecutorService pool;

  /**
   * Identities where a look right after starting an operation found it still in progress, with
   * when: on AWS, where operations take tens of seconds, such looks stop (but for a probe a
   * minute).
   */
  private final Map<Grant.Account, Instant> rightAwayUseless = new ConcurrentHashMap<>();

  /** Told which grants wait on CloudFormation and which were woken (grants under way go first). */
  private final StartGate gate;

  public StackWatch(StackGateway gateway, XaccessConfig config, Clock clock, StartGate gate) {
    this.gateway = gateway;
    this.config = config;
    this.clock = clock;
    this.gate = gate;
  }

  /** The grants waiting on one identity's stacks. */
  private static final class Identity {
    /** Stack name -> the grants waiting on it, with when each registered. */
    final Map<String, Map<ResourceID, Instant>> waiting = new ConcurrentHashMap<>();

    /** Stacks a listing has shown in progress since a grant registered them. */
    final Set<String> seen = ConcurrentHashMap.newKeySet();

    /**
     * Stacks woken without a listing ever showing them in progress, with when: registered again
     * within a poll interval, the grant polls instead (the watch cannot see that operation).
     */
    final Map<String, Instant> unseen = new ConcurrentHashMap<>();

    final AtomicBoolean listing = new AtomicBoolean();
    final AtomicBoolean earlyScheduled = new AtomicBoolean();
    volatile Instant lastAsked = Instant.MIN;

    /**
     * Whether the last early look found an operation ended: on AWS, where stacks take tens of
     * seconds, early looks find nothing and stop, but for one probe a minute.
     */
    volatile boolean earlyUseful = true;

    volatile Instant lastEarly = Instant.MIN;
    volatile Instant unavailableUntil = Instant.MIN;

    /** Throttled or 5xx listings in a row, and when the identity may be listed again. */
    volatile int passingFailures;

    volatile Instant pausedUntil = Instant.MIN;

    /** Nothing to remember: nobody waits and no pause, fallback or failed early look holds. */
    boolean idle(Instant now) {
      return waiting.isEmpty()
          && !listing.get()
          && !now.isBefore(unavailableUntil)
          && !now.isBefore(pausedUntil)
          && (earlyUseful || !now.isBefore(lastEarly.plus(EARLY_PROBE)));
    }
  }

  /**
   * When to look at the stack again after a step left it as {@code progress}: at the fallback when
   * the watch will wake the grant as soon as the operation ends, otherwise as {@link PollDelay}
   * says.
   *
   * @param stackName the stack's name when the step did not find its id (a create it started)
   */
  Duration lookAgain(
      CrossAccountAccess grant, Grant.Account account, String stackName, StackProgress progress) {
    String name = progress.stackId() != null ? StackNames.nameOf(progress.stackId()) : stackName;
    if (progress.state() == StackProgress.State.IN_PROGRESS
        && !progress.stuck()
        && inOperation(progress.stackStatus())
        && name != null
        && await(account, name, ResourceID.fromResource(grant), progress.started())) {
      return config.stackWatch().fallback();
    }
    return PollDelay.after(progress, config);
  }

  /**
   * Whether a step that just started an operation under {@code account} should look at the stack
   * once more right away, as a script would, and go on in the same reconcile if it ended (an update
   * with nothing to replace, an emulator): no status write, listing or wake in between. Not where
   * such a look lately found the operation still in progress (AWS), but for a probe a minute.
   */
  boolean lookRightAway(Grant.Account account) {
    Instant useless = rightAwayUseless.get(account);
    return useless == null || !clock.instant().isBefore(useless.plus(EARLY_PROBE));
  }

  /** What a look right after starting an operation under {@code account} found. */
  void lookedRightAway(Grant.Account account, boolean ended) {
    if (ended) {
      rightAwayUseless.remove(account);
    } else {
      rightAwayUseless.put(account, clock.instant());
    }
  }

  /** A status the watch's listing asks for: the stack is in an operation. */
  static boolean inOperation(String stackStatus) {
    return stackStatus != null && stackStatus.endsWith("_IN_PROGRESS");
  }

  /**
   * Registers {@code grant} as waiting on {@code stackName}: true if it will be woken once the
   * stack's operation ends, false if it must poll itself (the watch is off or not started, listing
   * failed for this identity lately, or the watch could not see this stack's last operation).
   */
  boolean await(Grant.Account account, String stackName, ResourceID grant) {
    return await(account, stackName, grant, false);
  }

  /**
   * As {@link #await(Grant.Account, String, ResourceID)}; {@code started}: the step just started
   * the operation, so the identity is also listed {@code first-look} from now (or {@link #MIN_GAP}
   * after its last listing, whichever is later) — an operation that ends at once (an update with
   * few changes, an emulator) is seen without waiting for the next round.
   */
  boolean await(Grant.Account account, String stackName, ResourceID grant, boolean started) {
    if (waker == null || config.stackWatch().interval().isZero()) {
      return false;
    }
    Instant now = clock.instant();
    boolean[] accepted = {false};
    identities.compute(
        account,
        (k, identity) -> {
          Identity id = identity == null ? new Identity() : identity;
          if (now.isBefore(id.unavailableUntil)) {
            return id;
          }
          Instant unseen = id.unseen.remove(stackName);
          if (unseen != null && now.isBefore(unseen.plus(config.pollInterval()))) {
            return id;
          }
          id.waiting.computeIfAbsent(stackName, s -> new ConcurrentHashMap<>()).put(grant, now);
          accepted[0] = true;
          return id;
        });
    if (accepted[0]) {
      gate.pending(grant);
      if (started) {
        early(account, now);
      }
    }
    return accepted[0];
  }

  /** One listing of the identity soon, unless one is already planned. */
  private void early(Grant.Account account, Instant now) {
    ScheduledExecutorService t = ticker;
    Identity identity = identities.get(account);
    Duration firstLook = config.stackWatch().firstLook();
    if (t == null || identity == null || firstLook.compareTo(config.stackWatch().interval()) >= 0) {
      return;
    }
    if (!identity.earlyUseful && now.isBefore(identity.lastEarly.plus(EARLY_PROBE))) {
      return;
    }
    if (!identity.earlyScheduled.compareAndSet(false, true)) {
      return;
    }
    Instant at = now.plus(firstLook);
    Instant gap = identity.lastAsked.plus(MIN_GAP);
    if (gap.isAfter(at)) {
      at = gap;
    }
    try {
      t.schedule(
          () -> {
            identity.earlyScheduled.set(false);
            listSoon(account, identity, true);
          },
          Math.max(0, Duration.between(now, at).toMillis()),
          TimeUnit.MILLISECONDS);
    } catch (RuntimeException rejected) { // stopping
      identity.earlyScheduled.set(false);
    }
  }

  /** Grants waiting now, over every identity (for tests). */
  int waiting() {
    return identities.values().stream()
        .mapToInt(i -> i.waiting.values().stream().mapToInt(Map::size).sum())
        .sum();
  }

  /**
   * One round: each identity with a waiting grant and no listing still under way is listed; an
   * identity nobody waits on is forgotten.
   */
  void round() {
    Instant now = clock.instant();
    for (Grant.Account account : List.copyOf(identities.keySet())) {
      Identity identity = identities.computeIfPresent(account, (k, i) -> i.idle(now) ? null : i);
      if (identity == null || identity.waiting.isEmpty()) {
        continue;
      }
      listSoon(account, identity, false);
    }
  }

  private void listSoon(Grant.Account account, Identity identity, boolean early) {
    if (identity.waiting.isEmpty()
        || clock.instant().isBefore(identity.pausedUntil)
        || !identity.listing.compareAndSet(false, true)) {
      return;
    }
    try {
      listing.execute(() -> list(account, identity, early));
    } catch (RuntimeException rejected) { // stopping
      identity.listing.set(false);
    }
  }

  private void list(Grant.Account account, Identity identity, boolean early) {
    try {
      Instant asked = clock.instant();
      identity.lastAsked = asked;
      Map<String, String> inProgress;
      try {
        inProgress = gateway.inProgress(account);
      } catch (RuntimeException e) {
        int failures = ++identity.passingFailures;
        if (e instanceof AwsProblem problem
            && !problem.terminal()
            && failures < PASSING_FAILURES_BEFORE_FALLBACK) {
          // Throttled or a 5xx: the grants keep waiting; this identity is asked less often.
          Duration pause = config.stackWatch().interval().multipliedBy(1L << failures);
          identity.pausedUntil = asked.plus(pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause);
          LOG.debugf(
              "listing the stacks in progress failed for %s (%s); again after %s",
              AwsClients.describe(account), e.getMessage(), identity.pausedUntil);
          return;
        }
        identity.passingFailures = 0;
        identity.unavailableUntil = asked.plus(config.stackWatch().retryAfter());
        LOG.warnf(
            "listing the stacks in progress failed for %s (%s); its grants look at their own"
                + " stacks every %s until %s",
            AwsClients.describe(account),
            e.getMessage(),
            config.pollInterval(),
            identity.unavailableUntil);
        List<ResourceID> all = new ArrayList<>();
        for (String stack : List.copyOf(identity.waiting.keySet())) {
          Map<ResourceID, Instant> grants = identity.waiting.remove(stack);
          if (grants != null) {
            all.addAll(grants.keySet());
          }
        }
        identity.seen.clear();
        all.forEach(this::wake);
        return;
      }
      identity.passingFailures = 0;
      List<ResourceID> ended = new ArrayList<>();
      for (String stack : List.copyOf(identity.waiting.keySet())) {
        if (inProgress.containsKey(stack)) {
          identity.seen.add(stack);
          // CloudFormation works on it: its grants need nothing from the operator until it ends.
          Map<ResourceID, Instant> grants = identity.waiting.get(stack);
          if (grants != null) {
            grants.keySet().forEach(gate::inProgress);
          }
          continue;
        }
        boolean wasSeen = identity.seen.remove(stack);
        identity.waiting.computeIfPresent(
            stack,
            (s, grants) -> {
              // Only grants that registered before the question: a later one may have started a
              // new operation the answer does not know of yet.
              grants
                  .entrySet()
                  .removeIf(
                      w -> {
                        if (w.getValue().isAfter(asked)) {
                          return false;
                        }
                        ended.add(w.getKey());
                        return true;
                      });
              return grants.isEmpty() ? null : grants;
            });
        if (!wasSeen) {
          identity.unseen.put(stack, asked);
        }
      }
      // Forget old unseen marks: they only matter within a poll interval.
      identity.unseen.values().removeIf(t -> t.plus(config.pollInterval()).isBefore(asked));
      if (early) {
        identity.lastEarly = asked;
        identity.earlyUseful = !ended.isEmpty();
      }
      ended.forEach(this::wake);
    } finally {
      identity.listing.set(false);
    }
  }

  private void wake(ResourceID grant) {
    Consumer<ResourceID> w = waker;
    if (w != null) {
      gate.woken(grant);
      w.accept(grant);
    }
  }

  /** Starts the rounds, waking through {@code waker}; the event source does, on the leader. */
  synchronized void start(Consumer<ResourceID> waker) {
    Duration interval = config.stackWatch().interval();
    if (interval.isZero() || interval.isNegative()) {
      LOG.info("stack watch off (xaccess.stack-watch.interval 0): each grant polls its stacks");
      return;
    }
    AtomicInteger n = new AtomicInteger();
    pool =
        Executors.newFixedThreadPool(
            LISTING_THREADS,
            r -> {
              Thread t = new Thread(r, "xaccess-stack-watch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "xaccess-stack-watch");
              t.setDaemon(true);
              return t;
            });
    start(waker, pool);
    ticker.scheduleWithFixedDelay(
        this::safeRound, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts without a timer: rounds run when {@link #round()} is called (tests). */
  synchronized void start(Consumer<ResourceID> waker, Executor listing) {
    this.listing = listing;
    this.waker = waker;
  }

  private void safeRound() {
    try {
      round();
    } catch (RuntimeException e) {
      LOG.warnf(e, "stack watch round failed");
    }
  }

  synchronized void stop() {
    waker = null;
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
    if (pool != null) {
      pool.shutdownNow();
      pool = null;
    }
    identities.clear();
  }

  /** The event source the reconciler registers: started on the leader, it starts the rounds. */
  EventSource<Void, CrossAccountAccess> eventSource() {
    return new WakingEventSource("stack-watch", this::start, this::stop);
  }
}
