package io.xaccess.reconciler;

import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.PlanStatus;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.api.v1alpha1.StackStatus;
import io.xaccess.api.v1alpha1.UpdatePolicy;
import io.xaccess.cloudformation.Hashing;
import io.xaccess.cloudformation.StackGateway;
import io.xaccess.cloudformation.StackProgress;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.cloudformation.StackRollout;
import io.xaccess.cloudformation.StackRollout.Prepared;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Grant;
import io.xaccess.grant.Side;
import io.xaccess.render.AccessDiff;
import io.xaccess.render.EffectiveAccess;
import io.xaccess.render.PlannedAccess;
import io.xaccess.render.RenderedGrant;
import io.xaccess.status.GrantStatusBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code spec.updatePolicy: Manual}: a change that would alter the access waits for approval. The
 * deployed stacks get their change sets, created and never executed here, and status gets the plan
 * — what the change adds and removes in IAM terms, computed by render's code from the deployed
 * templates and parameters and the new requests — under a hash that names exactly this change. The
 * annotation {@value CrossAccountAccess#APPROVE_PLAN_ANNOTATION} carrying that hash lets the
 * runbook go on, which executes the change sets (found by their deterministic names); any other
 * hash executes nothing and is reported. The API server lets only users with the {@code approve}
 * verb set the annotation (the chart's ValidatingAdmissionPolicy).
 *
 * <p>What only narrows the access is never held back: the deployed configuration is closed at its
 * end and its sessions revoked as for a stalled grant ({@link StalledClosure}); a renewal, which
 * widens it, is a change like any other.
 */
@ApplicationScoped
public class ManualApproval {

  private static final Logger LOG = Logger.getLogger(ManualApproval.class);

  /** Plan states in {@link PlanStatus#getState()}. */
  static final String PREPARING = "Preparing";

  static final String READY = "Ready";

  private final StackRollout rollout;
  private final StackGateway gateway;
  private final StalledClosure closure;
  private final XaccessConfig config;
  private final Clock clock;

  public ManualApproval(
      StackRollout rollout,
      StackGateway gateway,
      StalledClosure closure,
      XaccessConfig config,
      Clock clock) {
    this.rollout = rollout;
    this.gateway = gateway;
    this.closure = closure;
    this.config = config;
    this.clock = clock;
  }

  /** The stacks a grant wants: as deployed now, and open (what the plan hash is made of). */
  public record Requests(
      StackRequest production,
      StackRequest development,
      StackRequest openProduction,
      StackRequest openDevelopment) {}

  /**
   * The hash that names the change to this configuration: both stacks' configuration with the
   * access open (so its end and revocations, which only narrow it, are no new plan) and the grant's
   * lifetime as the spec sets it (so a renewal is).
   */
  public static String planHash(CrossAccountAccess resource, Requests requests) {
    var spec = resource.getSpec();
    return Hashing.sha256(
            String.join(
                "\n",
                requests.openProduction().configurationHash(),
                requests.openDevelopment().configurationHash(),
                Objects.toString(spec.getExpiresAt(), ""),
                Objects.toString(spec.getTtl(), "")))
        .substring(0, 32);
  }

  /** Both stacks now hold the spec's configuration: its plan is applied, none waits. */
  static void applied(CrossAccountAccess resource, Requests requests, GrantStatusBuilder status) {
    status.appliedPlan(planHash(resource, requests)).plan(null);
    if (manual(resource)) {
      status.approval(false, Reason.NoPendingPlan, "the deployed configuration is the spec's");
    }
  }

  public static boolean manual(CrossAccountAccess resource) {
    return resource.getSpec().getUpdatePolicy() == UpdatePolicy.Manual;
  }

  /**
   * Whether the runbook may go on; when not, status says what waits and the result is when to look
   * again. Automatic grants always go on.
   */
  Optional<Duration> hold(
      CrossAccountAccess resource, Grant grant, Requests requests, GrantStatusBuilder status) {
    String hash = planHash(resource, requests);
    if (!manual(resource)) {
      status.automatic();
      return Optional.empty();
    }
    String applied = status.previous().getAppliedPlan();
    if (hash.equals(applied) || (applied == null && deployedAsRequested(requests, status))) {
      // What is deployed is what the spec asks for (its end and revocations go on as usual); a
      // grant deployed before plans were recorded counts by its stacks. A plan the spec went back
      // from is dropped with its change sets.
      PlanStatus dropped = status.previous().getPlan();
      if (dropped != null) {
        discard(grant, dropped, status);
      }
      status.plan(null).appliedPlan(hash);
      status.approval(false, Reason.NoPendingPlan, "the deployed configuration is the spec's");
      return Optional.empty();
    }
    String approved = annotation(resource);
    if (hash.equals(approved)) {
      status.approval(false, Reason.PlanApproved, "executing the approved plan " + hash);
      return Optional.empty();
    }

    // Waiting. What only narrows the access is applied to the deployed configuration at once.
    String waits = "plan " + hash + " waits for approval (status.plan)";
    Duration next =
        closure.advance(resource, status, Reason.AwaitingApproval, waits, config.resyncInterval());
    if (status.isStalled()) {
      return Optional.of(next);
    }
    Optional<Duration> planned = plan(resource, grant, requests, hash, status);
    if (planned.isEmpty()) {
      // Nothing to approve after all: the new configuration deploys as the deployed one.
      return Optional.empty();
    }
    PlanStatus plan = status.plan();
    String how =
        "approve with: kubectl annotate crossaccountaccess "
            + resource.getMetadata().getName()
            + " -n "
            + resource.getMetadata().getNamespace()
            + " "
            + CrossAccountAccess.APPROVE_PLAN_ANNOTATION
            + "="
            + hash
            + " --overwrite";
    String what =
        plan == null || !READY.equals(plan.getState())
            ? "preparing plan " + hash + " (change sets are being made)"
            : "plan "
                + hash
                + " waits for approval: it adds "
                + plan.getAdded().size()
                + " and removes "
                + plan.getRemoved().size()
                + " facts of the access (status.plan); "
                + how;
    if (!approved.isEmpty() && !approved.equals(status.previous().getAppliedPlan())) {
      status.approval(
          true,
          Reason.ApprovalStale,
          "the approval "
              + CrossAccountAccess.APPROVE_PLAN_ANNOTATION
              + "="
              + approved
              + " is not the current plan, so nothing was executed: the spec changed after the"
              + " plan it names was made. The current one is "
              + what);
    } else {
      status.approval(
          true,
          plan != null && READY.equals(plan.getState())
              ? Reason.AwaitingApproval
              : Reason.PreparingPlan,
          what);
    }
    status.awaitingApproval(
        "generation " + resource.getMetadata().getGeneration() + " waits: " + what);
    return Optional.of(PollDelay.min(next, planned.get()));
  }

  /**
   * The plan for {@code hash}, one step further: its change sets prepared, then its access diff.
   * Empty when the change needs no approval (CloudFormation finds nothing to change).
   */
  private Optional<Duration> plan(
      CrossAccountAccess resource,
      Grant grant,
      Requests requests,
      String hash,
      GrantStatusBuilder status) {
    PlanStatus previous = status.previous().getPlan();
    String basedOn = basis(status);
    if (previous != null
        && hash.equals(previous.getHash())
        && READY.equals(previous.getState())
        && basedOn.equals(previous.getBasedOn())) {
      // Made already: waiting costs no AWS call.
      status.plan(previous);
      return Optional.of(config.resyncInterval());
    }
    if (previous != null && !hash.equals(previous.getHash())) {
      discard(grant, previous, status);
    }
    if (previous != null && hash.equals(previous.getHash()) && READY.equals(previous.getState())) {
      LOG.debugf("plan %s: the deployed stacks changed; preparing it again", hash);
    }
    Prepared production = prepare(Side.PRODUCTION, grant, requests.production(), status);
    Prepared development = prepare(Side.DEVELOPMENT, grant, requests.development(), status);
    List<Prepared> sides = List.of(production, development);
    for (Prepared side : sides) {
      if (side.state() == Prepared.State.FAILED || side.state() == Prepared.State.CONFLICT) {
        String side0 = side == production ? "production" : "development";
        status.plan(null);
        status.stalled(
            side.state() == Prepared.State.CONFLICT ? Reason.StackConflict : Reason.PlanFailed,
            "plan " + hash + ": " + side0 + " stack: " + side.message());
        return Optional.of(config.resyncInterval());
      }
    }
    Lifetimes lifetimes = lifetimes(resource, status);
    if ((sides.stream().allMatch(ManualApproval::unchanged) && !lifetimes.widens())
        || sides.stream().anyMatch(s -> s.state() == Prepared.State.EXECUTED)) {
      // Nothing changes in CloudFormation and the end comes no later, or an approved plan was
      // executed already: the runbook records it.
      return Optional.empty();
    }
    PlanStatus plan = new PlanStatus();
    plan.setHash(hash);
    plan.setGeneration(resource.getMetadata().getGeneration());
    plan.setBasedOn(basis(status));
    plan.setCreatedAt(status.time().toString());
    plan.setProductionChangeSet(emptyToNull(production.changeSetId()));
    plan.setDevelopmentChangeSet(emptyToNull(development.changeSetId()));
    if (sides.stream().anyMatch(s -> s.state() == Prepared.State.PENDING)) {
      plan.setState(PREPARING);
      status.plan(plan);
      return Optional.of(PollDelay.min(config.firstPollDelay(), config.pollInterval()));
    }
    String partition = config.aws().partition();
    String keyArn =
        Optional.ofNullable(status.productionStack().getKmsKeyArn())
            .orElse(
                RenderedGrant.createdKeyArn(
                    partition, grant.production().region(), grant.production().accountId()));
    EffectiveAccess after =
        PlannedAccess.requested(
            grant, partition, keyArn, requests.production(), requests.development());
    AccessDiff diff;
    if (sides.stream().allMatch(ManualApproval::unchanged)) {
      // Only the end moves (later): the stacks stay as they are.
      diff = new AccessDiff(List.of(), List.of());
    } else if (production.stack() == null
        || development.stack() == null
        || production.state() == Prepared.State.CREATED_ON_APPROVAL
        || development.state() == Prepared.State.CREATED_ON_APPROVAL) {
      // Created on approval: all of it is new.
      diff = new AccessDiff(after.facts(), List.of());
    } else {
      EffectiveAccess before =
          PlannedAccess.deployed(
              grant,
              partition,
              keyArn,
              deployedTemplate(grant, Side.PRODUCTION, production, requests.production()),
              production.stack(),
              deployedTemplate(grant, Side.DEVELOPMENT, development, requests.development()),
              development.stack(),
              requests.production());
      diff = AccessDiff.between(before, after);
    }
    plan.setState(READY);
    plan.setSummary(after.summary() + " " + capitalized(lifetimes.now()) + ".");
    List<String> added = new ArrayList<>(diff.added());
    List<String> removed = new ArrayList<>(diff.removed());
    if (!lifetimes.now().equals(lifetimes.deployed())) {
      added.add(lifetimes.now());
      if (lifetimes.deployed() != null) {
        removed.add(lifetimes.deployed());
      }
    }
    plan.setAdded(added);
    plan.setRemoved(removed);
    status.plan(plan);
    LOG.infof(
        "%s/%s: plan %s waits for approval (+%d -%d)",
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(),
        hash,
        added.size(),
        removed.size());
    return Optional.of(config.resyncInterval());
  }

  /**
   * The end of the access in words: as the spec now sets it, and as deployed (null when nothing was
   * ever deployed); {@code widens} when the new end is later, or gone.
   */
  record Lifetimes(String now, String deployed, boolean widens) {}

  private Lifetimes lifetimes(CrossAccountAccess resource, GrantStatusBuilder status) {
    var previous = status.previous();
    Optional<Instant> end = GrantLifetime.ignoringAnnotation(resource, clock.instant()).expiresAt();
    String ttl = resource.getSpec().getTtl();
    String now =
        end.map(e -> "the access ends at " + e)
            .orElse(
                ttl != null
                    ? "the access ends " + ttl + " after it is first Ready"
                    : "the access has no end");
    if (previous.getFirstReadyTime() == null) {
      return new Lifetimes(now, null, false);
    }
    Optional<Instant> deployedEnd =
        Optional.ofNullable(previous.getExpiresAt()).map(Instant::parse);
    String deployed =
        deployedEnd.map(e -> "the access ends at " + e).orElse("the access has no end");
    boolean widens =
        deployedEnd.isPresent() && (end.isEmpty() || end.get().isAfter(deployedEnd.get()));
    return new Lifetimes(now, deployed, widens);
  }

  private static String capitalized(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /** The deployed template; a side that does not change is deployed as requested (no call). */
  private String deployedTemplate(Grant grant, Side side, Prepared prepared, StackRequest request) {
    if (unchanged(prepared)) {
      return request.template().body();
    }
    return gateway.template(grant.account(side), prepared.stack().stackName());
  }

  private Prepared prepare(
      Side side, Grant grant, StackRequest request, GrantStatusBuilder status) {
    StackStatus recorded = status.stackStatus(side);
    Prepared prepared =
        rollout.prepare(
            side,
            grant.account(side),
            request,
            StackRecord.recordedName(recorded),
            recorded.getConfigurationHash());
    if (prepared.state() == Prepared.State.NO_CHANGES) {
      // CloudFormation would change nothing: recorded as deployed with the new configuration.
      var stack = prepared.stack();
      StackRecord.record(
          status,
          side,
          request.stackName(),
          new StackProgress(
              StackProgress.State.READY,
              stack.stackId(),
              stack.status(),
              stack.outputs(),
              request.configurationHash(),
              null,
              Reason.Deployed,
              "no changes needed"));
    }
    return prepared;
  }

  /** Change sets of a plan the spec moved away from: deleted, so only the current one waits. */
  private void discard(Grant grant, PlanStatus old, GrantStatusBuilder status) {
    for (Side side : List.of(Side.PRODUCTION, Side.DEVELOPMENT)) {
      String changeSet =
          side == Side.PRODUCTION ? old.getProductionChangeSet() : old.getDevelopmentChangeSet();
      String stack = status.stackStatus(side).getStackName();
      if (changeSet == null || stack == null) {
        continue;
      }
      try {
        gateway.deleteChangeSet(grant.account(side), stack, changeSet);
      } catch (io.xaccess.aws.AwsProblem problem) {
        // Gone already, or refused: a stale change set is never executed (it is not the plan's).
        LOG.debugf("change set %s not deleted: %s", changeSet, problem.getMessage());
      }
    }
  }

  /** The configuration hashes the deployed stacks are recorded with. */
  private static String basis(GrantStatusBuilder status) {
    return Objects.toString(status.productionStack().getConfigurationHash(), "")
        + "/"
        + Objects.toString(status.developmentStack().getConfigurationHash(), "");
  }

  private static boolean unchanged(Prepared side) {
    return side.state() == Prepared.State.UNCHANGED || side.state() == Prepared.State.NO_CHANGES;
  }

  private static boolean deployedAsRequested(Requests requests, GrantStatusBuilder status) {
    return deployedAs(status.productionStack(), requests.production())
        && deployedAs(status.developmentStack(), requests.development());
  }

  private static boolean deployedAs(StackStatus recorded, StackRequest request) {
    return recorded.getStackId() != null
        && request.configurationHash().equals(recorded.getConfigurationHash());
  }

  private static String annotation(CrossAccountAccess resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null
        ? ""
        : annotations.getOrDefault(CrossAccountAccess.APPROVE_PLAN_ANNOTATION, "").strip();
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
