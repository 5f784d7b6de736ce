package io.xaccess.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import io.xaccess.api.v1alpha1.DevelopmentStackStatus;
import io.xaccess.api.v1alpha1.DriftStatus;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.PlanStatus;
import io.xaccess.api.v1alpha1.ProductionStackStatus;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.api.v1alpha1.RetryStatus;
import io.xaccess.api.v1alpha1.StackStatus;
import io.xaccess.api.v1alpha1.VerificationResult;
import io.xaccess.grant.Side;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place status is derived. Callers record what they observed (each stack's state, the
 * verification, a problem); {@link #build()} derives phase and the kstatus conditions (Ready,
 * Reconciling, Stalled) plus one condition per step, sets observedGeneration, and keeps each
 * condition's lastTransitionTime while its status does not change.
 */
public final class GrantStatusBuilder {

  /** The state of one step, as the builder needs it. */
  public enum Step {
    NOT_STARTED,
    IN_PROGRESS,
    DONE,
    FAILED
  }

  /** What is known of one step: observed in this reconcile, or carried over. */
  private static final class StepState {
    final ConditionType type;
    Step step = Step.NOT_STARTED;
    Reason reason;
    String message;
    boolean observed;

    StepState(ConditionType type, Reason reason, String message) {
      this.type = type;
      this.reason = reason;
      this.message = message;
    }

    void set(Step step, Reason reason, String message) {
      this.observed = true;
      this.step = step;
      this.reason = reason;
      this.message = message;
    }
  }

  private final CrossAccountAccessStatus previous;
  private final long generation;
  private String now;

  /** The reconcile's start: what the grant's lifetime (ttl from first Ready) was computed with. */
  private final String started;

  private final StepState production =
      new StepState(ConditionType.ProductionStackReady, Reason.Pending, "not deployed yet");
  private final StepState development =
      new StepState(
          ConditionType.DevelopmentStackReady,
          Reason.WaitingForProduction,
          "deployed once the production stack is ready");
  private final StepState verification =
      new StepState(
          ConditionType.AccessVerified, Reason.WaitingForStacks, "runs once both stacks are ready");
  private boolean verificationDisabled;
  private Reason stalledReason;
  private String stalledMessage;
  private Reason retryReason;
  private String retryMessage;
  private RetryStatus retry;
  private boolean suspended;
  private boolean deleting;
  private String deletingMessage;

  private final ProductionStackStatus productionStack;
  private final DevelopmentStackStatus developmentStack;
  private VerificationResult lastVerification;
  private Condition mfaWarning;
  private String permittedBy;
  private String expiresAt;
  private String firstReadyTime;
  private String closedAt;
  private String sessionsRevokedBefore;
  private boolean expired;
  private boolean closing;
  private PlanStatus plan;
  private String appliedPlan;
  private Condition approval;
  private String awaitingApproval;
  private DriftStatus drift;
  private Condition drifted;
  private Boolean observedMatch;
  private boolean observedKnown;
  private String observedMessage;

  public GrantStatusBuilder(CrossAccountAccessStatus previous, long generation, Instant now) {
    this.previous = previous == null ? new CrossAccountAccessStatus() : previous;
    this.generation = generation;
    this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
    this.started = this.now;
    this.productionStack = copy(this.previous.getProduction(), new ProductionStackStatus());
    this.developmentStack = copy(this.previous.getDevelopment(), new DevelopmentStackStatus());
    this.lastVerification = this.previous.getLastVerification();
    this.permittedBy = this.previous.getPermittedBy();
    this.expiresAt = this.previous.getExpiresAt();
    this.firstReadyTime = this.previous.getFirstReadyTime();
    this.closedAt = this.previous.getClosedAt();
    this.sessionsRevokedBefore = this.previous.getSessionsRevokedBefore();
    this.plan = this.previous.getPlan();
    this.appliedPlan = this.previous.getAppliedPlan();
    this.approval = previousCondition(ConditionType.ApprovalPending).orElse(null);
    this.drift = copy(this.previous.getDrift(), null);
    this.drifted = previousCondition(ConditionType.Drifted).orElse(null);
  }

  /** The last drift check as status holds it, or null before the first. */
  public DriftStatus drift() {
    return drift;
  }

  /**
   * What a drift check found: {@code status.drift} and the Drifted condition ({@code "True"} while
   * AWS differs, {@code "False"} when it matches or was repaired, {@code "Unknown"} when AWS could
   * not be read).
   */
  public GrantStatusBuilder drift(
      DriftStatus drift, String drifted, Reason reason, String message) {
    this.drift = drift;
    this.drifted = condition(ConditionType.Drifted, drifted, reason, message);
    return this;
  }

  /**
   * managementPolicy Observe: nothing is deployed; {@code matches} whether AWS holds what the spec
   * would deploy (Ready; empty: AWS could not be read), {@code message} what was found. Each stack
   * step says what was observed of it ({@link #stack}); verification does not run.
   */
  public GrantStatusBuilder observed(Optional<Boolean> matches, String message) {
    this.observedKnown = matches.isPresent();
    this.observedMatch = matches.orElse(false);
    this.observedMessage = message;
    verification.set(
        Step.NOT_STARTED,
        Reason.Observing,
        "not verified: managementPolicy is Observe and there is no verifier role of xaccess's own"
            + " development stack to prove the access with");
    return this;
  }

  /**
   * When the production stack last became ready with what it holds now (the Ready transition of its
   * condition), if it is.
   */
  public Optional<Instant> productionReadySince() {
    return previousCondition(ConditionType.ProductionStackReady)
        .filter(c -> "True".equals(c.getStatus()) && c.getLastTransitionTime() != null)
        .map(c -> Instant.parse(c.getLastTransitionTime()));
  }

  /** No ApprovalPending condition and no plan: the grant is Automatic. */
  public GrantStatusBuilder automatic() {
    this.approval = null;
    this.plan = null;
    this.awaitingApproval = null;
    return this;
  }

  /** The plan waiting for approval, or null once none does. */
  public GrantStatusBuilder plan(PlanStatus plan) {
    this.plan = plan;
    return this;
  }

  public PlanStatus plan() {
    return plan;
  }

  /** The plan hash of what is deployed now. */
  public GrantStatusBuilder appliedPlan(String hash) {
    this.appliedPlan = hash;
    return this;
  }

  /** The ApprovalPending condition (Manual grants only). */
  public GrantStatusBuilder approval(boolean pending, Reason reason, String message) {
    this.approval =
        condition(ConditionType.ApprovalPending, pending ? "True" : "False", reason, message);
    return this;
  }

  /**
   * A change waits for approval: nothing was changed towards it, so every step the reconcile did
   * not look at keeps what the previous status said, and Ready keeps describing the access that is
   * deployed; {@code note} says what waits.
   */
  public GrantStatusBuilder awaitingApproval(String note) {
    this.awaitingApproval = note;
    return this;
  }

  public boolean isStalled() {
    return stalledReason != null;
  }

  public boolean isAwaitingApproval() {
    return awaitingApproval != null;
  }

  /**
   * When the access ends ({@code status.expiresAt}) and when its latest expiry closed it; empty
   * values clear them.
   */
  public GrantStatusBuilder lifetime(Optional<Instant> expiresAt, Optional<Instant> closedAt) {
    this.expiresAt = expiresAt.map(Instant::toString).orElse(null);
    this.closedAt = closedAt.map(Instant::toString).orElse(null);
    return this;
  }

  /** The time this status is written for (whole seconds): the first Ready's, when it is one. */
  /**
   * The moment the status is written, when later than the reconcile's start: a condition that
   * changes in this reconcile is stamped with it (a reconcile that deploys both stacks and proves
   * the access takes seconds; Ready became true at its end, not its start).
   */
  public void writtenAt(Instant at) {
    String stamp = at.truncatedTo(ChronoUnit.SECONDS).toString();
    if (Instant.parse(stamp).isAfter(Instant.parse(now))) {
      now = stamp;
    }
  }

  public Instant time() {
    return Instant.parse(now);
  }

  /** When the grant first became Ready, if it has (set by {@link #build()} the first time). */
  public Optional<Instant> firstReadyTime() {
    return Optional.ofNullable(firstReadyTime).map(Instant::parse);
  }

  /** The revocation bound the production stack now carries (empty: none). */
  public GrantStatusBuilder sessionsRevokedBefore(Optional<Instant> bound) {
    this.sessionsRevokedBefore = bound.map(Instant::toString).orElse(null);
    return this;
  }

  /**
   * The grant reached its end: the stacks are being given the closed configuration, or carry it
   * ({@code closed}). Closed, the grant is Expired: intended, neither Ready nor failing.
   */
  public GrantStatusBuilder expired(boolean closed) {
    this.closing = !closed;
    this.expired = closed;
    if (closed) {
      verification.set(
          Step.NOT_STARTED,
          Reason.Expired,
          "not verified while the grant is expired: its access is closed");
    }
    return this;
  }

  /** Verification waits until the revocation bound, which would deny a session issued earlier. */
  public GrantStatusBuilder waitingForRevocation(String message) {
    verification.set(Step.IN_PROGRESS, Reason.Verifying, message);
    return this;
  }

  /** The tenancy policy that permits the grant, or empty when none does. */
  public GrantStatusBuilder permittedBy(Optional<String> policy) {
    this.permittedBy = policy.orElse(null);
    return this;
  }

  /** The status the builder started from (never null). */
  public CrossAccountAccessStatus previous() {
    return previous;
  }

  /** The production stack's status fields, to fill in. */
  public ProductionStackStatus productionStack() {
    return productionStack;
  }

  /** The development stack's status fields, to fill in. */
  public DevelopmentStackStatus developmentStack() {
    return developmentStack;
  }

  /** One side's stack status fields, to fill in. */
  public StackStatus stackStatus(Side side) {
    return side == Side.PRODUCTION ? productionStack : developmentStack;
  }

  /** What one side's stack step came to. */
  public GrantStatusBuilder stack(Side side, Step step, Reason reason, String message) {
    (side == Side.PRODUCTION ? production : development).set(step, reason, message);
    return this;
  }

  public GrantStatusBuilder verification(Step step, Reason reason, String message) {
    verification.set(step, reason, message);
    return this;
  }

  public GrantStatusBuilder verificationDisabled() {
    this.verificationDisabled = true;
    return verification(Step.DONE, Reason.VerificationDisabled, "verification.enabled is false");
  }

  /** The last proof of access as it stands (from status), or null. */
  public VerificationResult lastVerification() {
    return lastVerification;
  }

  public GrantStatusBuilder lastVerification(VerificationResult result) {
    this.lastVerification = result;
    return this;
  }

  /**
   * trust.requireMfa is set but some allowed principals can never present MFA (role sessions, SSO,
   * role chaining): a warning, not an error — the grant still works for the others.
   */
  public GrantStatusBuilder mfaUnenforceable(String message) {
    this.mfaWarning =
        condition(ConditionType.MfaEnforceable, "False", Reason.RoleSessionsCarryNoMfa, message);
    return this;
  }

  /** A problem the user must fix; no retries until the spec or a Secret changes. */
  public GrantStatusBuilder stalled(Reason reason, String message) {
    this.stalledReason = reason;
    this.stalledMessage = message;
    return this;
  }

  /** A passing problem (throttling, 5xx, an unexpected error); retried with backoff. */
  public GrantStatusBuilder retrying(Reason reason, String message, RetryStatus retry) {
    this.retryReason = reason;
    this.retryMessage = message;
    this.retry = retry;
    return this;
  }

  /** No AWS changes: every step keeps what the previous status said about it. */
  public GrantStatusBuilder suspended() {
    this.suspended = true;
    for (StepState s : List.of(production, development, verification)) {
      s.step = previousStep(s.type);
      s.reason = Reason.Suspended;
      s.message = "spec.suspend is true";
    }
    return this;
  }

  public GrantStatusBuilder deleting(String message) {
    this.deleting = true;
    this.deletingMessage = message;
    return this;
  }

  /** Whether the grant is expired and both stacks carry the closed configuration. */
  public boolean isExpired() {
    return expired
        && stalledReason == null
        && !deleting
        && production.step == Step.DONE
        && development.step == Step.DONE;
  }

  /** managementPolicy Observe, and nothing stalled, suspended or deleting. */
  private boolean observing() {
    return observedMatch != null && stalledReason == null && !suspended && !deleting;
  }

  /** Whether the grant is fully converged: both stacks deployed and access proven. */
  public boolean isReady() {
    return stalledReason == null
        && !expired
        && !closing
        && !deleting
        && production.step == Step.DONE
        && development.step == Step.DONE
        && verification.step == Step.DONE;
  }

  public CrossAccountAccessStatus build() {
    if (stalledReason != null || retryReason != null || awaitingApproval != null) {
      // A problem cut the reconcile short: steps it did not reach keep what was known of them.
      for (StepState s : List.of(production, development, verification)) {
        if (!s.observed) {
          s.step = previousStep(s.type);
          previousCondition(s.type)
              .ifPresent(
                  c -> {
                    s.reason = reasonOf(c, s.reason);
                    s.message = c.getMessage() == null ? s.message : c.getMessage();
                  });
        }
      }
    }
    CrossAccountAccessStatus status = new CrossAccountAccessStatus();
    status.setObservedGeneration(generation);
    status.setProduction(empty(productionStack) ? null : productionStack);
    status.setDevelopment(empty(developmentStack) ? null : developmentStack);
    status.setLastVerification(lastVerification);
    status.setRetry(retry);
    status.setPermittedBy(permittedBy);
    status.setPhase(phase());

    boolean ready = isReady();
    if (ready && firstReadyTime == null && observedMatch == null) {
      firstReadyTime = started;
    }
    status.setExpiresAt(expiresAt);
    status.setFirstReadyTime(firstReadyTime);
    status.setClosedAt(closedAt);
    status.setSessionsRevokedBefore(sessionsRevokedBefore);
    status.setPlan(plan);
    status.setAppliedPlan(appliedPlan);
    status.setDrift(drift);
    boolean stalled = stalledReason != null;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(
        observing()
            ? condition(
                ConditionType.Ready,
                !observedKnown ? "Unknown" : observedMatch ? "True" : "False",
                !observedKnown
                    ? Reason.DriftCheckFailed
                    : observedMatch ? Reason.MatchesSpec : Reason.DiffersFromSpec,
                observedMessage)
            : ready
                ? condition(
                    ConditionType.Ready,
                    "True",
                    verificationDisabled ? Reason.StacksDeployed : Reason.AccessVerified,
                    readyMessage())
                : condition(ConditionType.Ready, "False", notReadyReason(), notReadyMessage()));
    boolean closed = isExpired();
    conditions.add(reconciling(ready, stalled));
    conditions.add(
        stalled
            ? condition(ConditionType.Stalled, "True", stalledReason, stalledMessage)
            : condition(
                ConditionType.Stalled, "False", Reason.NotStalled, "no problem needs attention"));
    conditions.add(stepCondition(production));
    conditions.add(stepCondition(development));
    conditions.add(
        verificationDisabled && !closed
            ? condition(verification.type, "Unknown", verification.reason, verification.message)
            : stepCondition(verification));
    if (drifted != null) {
      conditions.add(drifted);
    }
    if (approval != null) {
      conditions.add(approval);
    }
    if (mfaWarning != null) {
      conditions.add(mfaWarning);
    }
    status.setConditions(conditions);
    return status;
  }

  /** Reconciling: a retry shows even on a Ready grant (the old configuration still works). */
  private Condition reconciling(boolean ready, boolean stalled) {
    ConditionType type = ConditionType.Reconciling;
    if (suspended) {
      return condition(type, "False", Reason.Suspended, "spec.suspend is true: no AWS changes");
    }
    if (stalled) {
      return condition(type, "False", Reason.Stalled, "nothing in progress");
    }
    if (retryReason != null) {
      return condition(type, "True", retryReason, retryMessage);
    }
    if (deleting) {
      return condition(type, "True", Reason.Deleting, deletingMessage);
    }
    if (isExpired()) {
      return condition(type, "False", Reason.Expired, "nothing in progress: the grant is expired");
    }
    if (awaitingApproval != null) {
      return condition(
          type, "False", Reason.AwaitingApproval, "nothing in progress: " + awaitingApproval);
    }
    if (observing()) {
      return condition(
          type, "False", Reason.Observing, "nothing in progress: managementPolicy is Observe");
    }
    if (ready) {
      return condition(type, "False", Reason.Converged, "nothing in progress");
    }
    return condition(type, "True", inProgressReason(), notReadyMessage());
  }

  private Phase phase() {
    if (deleting) {
      return Phase.Deleting;
    }
    if (stalledReason != null) {
      return Phase.Failed;
    }
    if (suspended && previous.getPhase() != null) {
      return previous.getPhase();
    }
    if (isExpired()) {
      return Phase.Expired;
    }
    if (awaitingApproval != null) {
      return Phase.AwaitingApproval;
    }
    if (observing()) {
      return Phase.Observed;
    }
    if (production.step != Step.DONE) {
      return production.step == Step.NOT_STARTED ? Phase.Pending : Phase.DeployingProduction;
    }
    if (development.step != Step.DONE) {
      return Phase.DeployingDevelopment;
    }
    if (verification.step != Step.DONE) {
      return Phase.Verifying;
    }
    return Phase.Ready;
  }

  private String readyMessage() {
    if (awaitingApproval != null) {
      return "the deployed configuration is unchanged and "
          + (verificationDisabled ? "deployed" : "was verified")
          + "; "
          + awaitingApproval;
    }
    return verificationDisabled
        ? "both stacks are deployed (verification disabled)"
        : "both stacks are deployed and access was verified through the assumed role";
  }

  private Reason notReadyReason() {
    if (deleting) {
      return Reason.Deleting;
    }
    if (stalledReason != null) {
      return stalledReason;
    }
    if (isExpired()) {
      return Reason.Expired;
    }
    if (closing) {
      return Reason.Closing;
    }
    if (awaitingApproval != null) {
      return Reason.AwaitingApproval;
    }
    return inProgressReason();
  }

  private Reason inProgressReason() {
    if (production.step != Step.DONE) {
      return Reason.DeployingProduction;
    }
    if (development.step != Step.DONE) {
      return Reason.DeployingDevelopment;
    }
    return Reason.Verifying;
  }

  private String notReadyMessage() {
    if (deleting) {
      return deletingMessage;
    }
    if (stalledReason != null) {
      return stalledMessage;
    }
    if (isExpired()) {
      return "the grant expired at "
          + expiresAt
          + ": the production role trusts no development principal, the development assume"
          + " permission is removed and sessions issued before "
          + closedAt
          + " are denied; nothing was deleted. Set spec.expiresAt or spec.ttl later to renew";
    }
    if (closing) {
      String step =
          production.step != Step.DONE
              ? "production stack: " + production.message
              : "development stack: " + development.message;
      return "the grant expired at " + expiresAt + "; closing the access — " + step;
    }
    if (awaitingApproval != null) {
      return awaitingApproval;
    }
    if (production.step != Step.DONE) {
      return "production stack: " + production.message;
    }
    if (development.step != Step.DONE) {
      return "development stack: " + development.message;
    }
    return "verification: " + verification.message;
  }

  private Optional<Condition> previousCondition(ConditionType type) {
    return previous.getConditions() == null
        ? Optional.empty()
        : previous.getConditions().stream()
            .filter(c -> type.name().equals(c.getType()))
            .findFirst();
  }

  private Step previousStep(ConditionType type) {
    return previousCondition(type)
        .map(c -> "True".equals(c.getStatus()) ? Step.DONE : Step.IN_PROGRESS)
        .orElse(Step.NOT_STARTED);
  }

  /**
   * A reason read back from an older status; one this version no longer knows keeps the default.
   */
  private static Reason reasonOf(Condition condition, Reason fallback) {
    try {
      return condition.getReason() == null ? fallback : Reason.valueOf(condition.getReason());
    } catch (IllegalArgumentException unknown) {
      return fallback;
    }
  }

  private Condition stepCondition(StepState s) {
    String status =
        switch (s.step) {
          case DONE -> "True";
          case FAILED, IN_PROGRESS -> "False";
          case NOT_STARTED -> "Unknown";
        };
    return condition(s.type, status, s.reason, s.message);
  }

  private Condition condition(ConditionType type, String status, Reason reason, String message) {
    String transition =
        previousCondition(type)
            .filter(old -> status.equals(old.getStatus()) && old.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElse(now);
    return new ConditionBuilder()
        .withType(type.name())
        .withStatus(status)
        .withReason(reason.name())
        .withMessage(truncate(message))
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
  }

  private static String truncate(String message) {
    String m = Objects.requireNonNullElse(message, "");
    return m.length() <= 2048 ? m : m.substring(0, 2045) + "...";
  }

  private static <T> T copy(T from, T empty) {
    return from == null ? empty : Serialization.clone(from);
  }

  private static boolean empty(Object stackStatus) {
    return Serialization.asJson(stackStatus).equals("{}");
  }
}
