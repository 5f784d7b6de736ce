package io.xaccess.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import io.xaccess.api.v1alpha1.DevelopmentStackStatus;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.ProductionStackStatus;
import io.xaccess.api.v1alpha1.VerificationResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one place status is derived. Callers record what they observed (each stack's state, the
 * verification, a problem); {@link #build()} derives phase and the kstatus conditions (Ready,
 * Reconciling, Stalled) plus one condition per step, sets observedGeneration, and keeps each
 * condition's lastTransitionTime while its status does not change.
 */
public final class GrantStatusBuilder {

  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String PRODUCTION_READY = "ProductionStackReady";
  public static final String DEVELOPMENT_READY = "DevelopmentStackReady";
  public static final String ACCESS_VERIFIED = "AccessVerified";
  public static final String MFA_ENFORCEABLE = "MfaEnforceable";

  /** The state of one step, as the builder needs it. */
  public enum Step {
    NOT_STARTED,
    IN_PROGRESS,
    DONE,
    FAILED
  }

  private final CrossAccountAccessStatus previous;
  private final long generation;
  private final String now;

  private Step production = Step.NOT_STARTED;
  private String productionReason = "Pending";
  private String productionMessage = "not deployed yet";
  private Step development = Step.NOT_STARTED;
  private String developmentReason = "WaitingForProduction";
  private String developmentMessage = "deployed once the production stack is ready";
  private Step verification = Step.NOT_STARTED;
  private String verificationReason = "WaitingForStacks";
  private String verificationMessage = "runs once both stacks are ready";
  private boolean verificationDisabled;
  private String stalledReason;
  private String stalledMessage;
  private String retryReason;
  private String retryMessage;
  private boolean suspended;
  private boolean productionObserved;
  private boolean developmentObserved;
  private boolean verificationObserved;
  private boolean deleting;
  private String deletingMessage;

  private final ProductionStackStatus productionStack;
  private final DevelopmentStackStatus developmentStack;
  private VerificationResult lastVerification;
  private Condition mfaWarning;

  public GrantStatusBuilder(CrossAccountAccessStatus previous, long generation, Instant now) {
    this.previous = previous == null ? new CrossAccountAccessStatus() : previous;
    this.generation = generation;
    this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
    this.productionStack = copy(this.previous.getProduction(), new ProductionStackStatus());
    this.developmentStack = copy(this.previous.getDevelopment(), new DevelopmentStackStatus());
    this.lastVerification = this.previous.getLastVerification();
  }

  /** The production stack's status fields, to fill in. */
  public ProductionStackStatus productionStack() {
    return productionStack;
  }

  /** The development stack's status fields, to fill in. */
  public DevelopmentStackStatus developmentStack() {
    return developmentStack;
  }

  public GrantStatusBuilder production(Step step, String reason, String message) {
    this.productionObserved = true;
    this.production = step;
    this.productionReason = reason;
    this.productionMessage = message;
    return this;
  }

  public GrantStatusBuilder development(Step step, String reason, String message) {
    this.developmentObserved = true;
    this.development = step;
    this.developmentReason = reason;
    this.developmentMessage = message;
    return this;
  }

  public GrantStatusBuilder verification(Step step, String reason, String message) {
    this.verificationObserved = true;
    this.verification = step;
    this.verificationReason = reason;
    this.verificationMessage = message;
    return this;
  }

  public GrantStatusBuilder verificationDisabled() {
    this.verificationDisabled = true;
    return verification(Step.DONE, "VerificationDisabled", "verification.enabled is false");
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
    this.mfaWarning = condition(MFA_ENFORCEABLE, "False", "RoleSessionsCarryNoMfa", message);
    return this;
  }

  /** A problem the user must fix; no retries until the spec or a Secret changes. */
  public GrantStatusBuilder stalled(String reason, String message) {
    this.stalledReason = reason;
    this.stalledMessage = message;
    return this;
  }

  /** A passing problem (throttling, 5xx); retried with backoff. */
  public GrantStatusBuilder retrying(String reason, String message) {
    this.retryReason = reason;
    this.retryMessage = message;
    return this;
  }

  /** No AWS changes: every step keeps what the previous status said about it. */
  public GrantStatusBuilder suspended() {
    this.suspended = true;
    production = previousStep(PRODUCTION_READY);
    development = previousStep(DEVELOPMENT_READY);
    verification = previousStep(ACCESS_VERIFIED);
    productionReason = developmentReason = verificationReason = "Suspended";
    productionMessage = developmentMessage = verificationMessage = "spec.suspend is true";
    return this;
  }

  private Condition previousCondition(String type) {
    if (previous.getConditions() != null) {
      for (Condition c : previous.getConditions()) {
        if (type.equals(c.getType())) {
          return c;
        }
      }
    }
    return null;
  }

  private String previousReason(String type, String fallback) {
    Condition c = previousCondition(type);
    return c == null || c.getReason() == null ? fallback : c.getReason();
  }

  private String previousMessage(String type, String fallback) {
    Condition c = previousCondition(type);
    return c == null || c.getMessage() == null ? fallback : c.getMessage();
  }

  private Step previousStep(String type) {
    if (previous.getConditions() != null) {
      for (Condition c : previous.getConditions()) {
        if (type.equals(c.getType())) {
          return "True".equals(c.getStatus()) ? Step.DONE : Step.IN_PROGRESS;
        }
      }
    }
    return Step.NOT_STARTED;
  }

  public GrantStatusBuilder deleting(String message) {
    this.deleting = true;
    this.deletingMessage = message;
    return this;
  }

  /** Whether the grant is fully converged: both stacks deployed and access proven. */
  public boolean isReady() {
    return stalledReason == null
        && !deleting
        && production == Step.DONE
        && development == Step.DONE
        && verification == Step.DONE;
  }

  public CrossAccountAccessStatus build() {
    if (stalledReason != null || retryReason != null) {
      // A problem cut the reconcile short: steps it did not reach keep what was known of them.
      if (!productionObserved) {
        production = previousStep(PRODUCTION_READY);
        productionReason = previousReason(PRODUCTION_READY, productionReason);
        productionMessage = previousMessage(PRODUCTION_READY, productionMessage);
      }
      if (!developmentObserved) {
        development = previousStep(DEVELOPMENT_READY);
        developmentReason = previousReason(DEVELOPMENT_READY, developmentReason);
        developmentMessage = previousMessage(DEVELOPMENT_READY, developmentMessage);
      }
      if (!verificationObserved) {
        verification = previousStep(ACCESS_VERIFIED);
        verificationReason = previousReason(ACCESS_VERIFIED, verificationReason);
        verificationMessage = previousMessage(ACCESS_VERIFIED, verificationMessage);
      }
    }
    CrossAccountAccessStatus status = new CrossAccountAccessStatus();
    status.setObservedGeneration(generation);
    status.setProduction(empty(productionStack) ? null : productionStack);
    status.setDevelopment(empty(developmentStack) ? null : developmentStack);
    status.setLastVerification(lastVerification);
    status.setPhase(phase());

    boolean ready = isReady();
    boolean stalled = stalledReason != null;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(
        ready
            ? condition(
                READY,
                "True",
                verificationDisabled ? "StacksDeployed" : "AccessVerified",
                readyMessage())
            : condition(READY, "False", notReadyReason(), notReadyMessage()));
    conditions.add(
        stalled || ready || suspended
            ? condition(
                RECONCILING,
                "False",
                suspended ? "Suspended" : stalled ? "Stalled" : "Converged",
                suspended ? "spec.suspend is true: no AWS changes" : "nothing in progress")
            : condition(
                RECONCILING,
                "True",
                retryReason != null ? retryReason : inProgressReason(),
                retryMessage != null ? retryMessage : notReadyMessage()));
    conditions.add(
        stalled
            ? condition(STALLED, "True", stalledReason, stalledMessage)
            : condition(STALLED, "False", "NotStalled", "no problem needs attention"));
    conditions.add(
        stepCondition(PRODUCTION_READY, production, productionReason, productionMessage));
    conditions.add(
        stepCondition(DEVELOPMENT_READY, development, developmentReason, developmentMessage));
    conditions.add(
        verificationDisabled
            ? condition(ACCESS_VERIFIED, "Unknown", verificationReason, verificationMessage)
            : stepCondition(
                ACCESS_VERIFIED, verification, verificationReason, verificationMessage));
    if (mfaWarning != null) {
      conditions.add(mfaWarning);
    }
    status.setConditions(conditions);
    return status;
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
    if (production != Step.DONE) {
      return production == Step.NOT_STARTED ? Phase.Pending : Phase.DeployingProduction;
    }
    if (development != Step.DONE) {
      return Phase.DeployingDevelopment;
    }
    if (verification != Step.DONE) {
      return Phase.Verifying;
    }
    return Phase.Ready;
  }

  private String readyMessage() {
    return verificationDisabled
        ? "both stacks are deployed (verification disabled)"
        : "both stacks are deployed and access was verified through the assumed role";
  }

  private String notReadyReason() {
    if (deleting) {
      return "Deleting";
    }
    if (stalledReason != null) {
      return stalledReason;
    }
    return inProgressReason();
  }

  private String inProgressReason() {
    if (production != Step.DONE) {
      return "DeployingProduction";
    }
    if (development != Step.DONE) {
      return "DeployingDevelopment";
    }
    return "Verifying";
  }

  private String notReadyMessage() {
    if (deleting) {
      return deletingMessage;
    }
    if (stalledReason != null) {
      return stalledMessage;
    }
    if (production != Step.DONE) {
      return "production stack: " + productionMessage;
    }
    if (development != Step.DONE) {
      return "development stack: " + developmentMessage;
    }
    return "verification: " + verificationMessage;
  }

  private Condition stepCondition(String type, Step step, String reason, String message) {
    String status =
        switch (step) {
          case DONE -> "True";
          case FAILED -> "False";
          default -> step == Step.IN_PROGRESS ? "False" : "Unknown";
        };
    return condition(type, status, reason, message);
  }

  private Condition condition(String type, String status, String reason, String message) {
    String transition = now;
    if (previous.getConditions() != null) {
      for (Condition old : previous.getConditions()) {
        if (type.equals(old.getType())
            && status.equals(old.getStatus())
            && old.getLastTransitionTime() != null) {
          transition = old.getLastTransitionTime();
        }
      }
    }
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
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
    if (from == null) {
      return empty;
    }
    return io.fabric8.kubernetes.client.utils.Serialization.clone(from);
  }

  private static boolean empty(Object stackStatus) {
    return io.fabric8.kubernetes.client.utils.Serialization.asJson(stackStatus).equals("{}");
  }
}
