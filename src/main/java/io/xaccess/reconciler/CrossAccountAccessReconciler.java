package io.xaccess.reconciler;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.ManagementPolicy;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsClients;
import io.xaccess.aws.AwsProblem;
import io.xaccess.cloudformation.GrantStacks;
import io.xaccess.cloudformation.StackProgress;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.cloudformation.StackRollout;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.AccessState;
import io.xaccess.grant.Grant;
import io.xaccess.grant.GrantProblem;
import io.xaccess.grant.GrantResolver;
import io.xaccess.grant.Side;
import io.xaccess.status.GrantStatusBuilder;
import io.xaccess.status.MfaAdvisory;
import io.xaccess.tenancy.Tenancy;
import io.xaccess.tenancy.Verdict;
import io.xaccess.verification.VerificationSchedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads like the runbook: production stack, then its outputs feed the development stack, then the
 * access is proven, then status. Each reconcile moves things one step and returns; nothing here
 * waits for AWS. Deletion runs the other way round ({@link GrantTeardown}) behind the {@value
 * #FINALIZER} finalizer.
 */
@ControllerConfiguration(
    name = "crossaccountaccess",
    finalizerName = CrossAccountAccessReconciler.FINALIZER,
    // WorthReconciling does the generation check, plus the release annotation.
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = WorthReconciling.class))
// Only a failed status write escapes a reconcile (AWS problems are retried by Retries): most
// often a conflict with the grant's own previous write, which the informer had not shown yet
// when the stack watch woke the grant again; retried soon, then backing off.
@GradualRetry(
    maxAttempts = 14,
    initialInterval = 200,
    intervalMultiplier = 2.0,
    maxInterval = 300_000)
public class CrossAccountAccessReconciler
    implements Reconciler<CrossAccountAccess>, Cleaner<CrossAccountAccess> {

  public static final String FINALIZER = "xaccess.io/finalizer";

  private static final Logger LOG = Logger.getLogger(CrossAccountAccessReconciler.class);

  private final GrantResolver resolver;
  private final AwsClients identities;
  private final StackRollout rollout;
  private final VerificationSchedule verification;
  private final GrantTeardown teardown;
  private final StatusWriter writer;
  private final Retries retries;
  private final XaccessConfig config;
  private final Tenancy tenancy;
  private final StalledClosure closure;
  private final ManualApproval approval;
  private final Clock clock;
  private final StackRequests requests;
  private final StackWatch watch;
  private final GrantDrift drift;
  private final GrantObservation observation;
  private final StartGate gate;

  public CrossAccountAccessReconciler(
      GrantResolver resolver,
      AwsClients identities,
      StackRollout rollout,
      VerificationSchedule verification,
      GrantTeardown teardown,
      StatusWriter writer,
      Retries retries,
      XaccessConfig config,
      Tenancy tenancy,
      StalledClosure closure,
      ManualApproval approval,
      StackWatch watch,
      GrantDrift drift,
      GrantObservation observation,
      StartGate gate,
      Clock clock) {
    this.gate = gate;
    this.watch = watch;
    this.drift = drift;
    this.observation = observation;
    this.tenancy = tenancy;
    this.closure = closure;
    this.approval = approval;
    this.clock = clock;
    this.resolver = resolver;
    this.identities = identities;
    this.rollout = rollout;
    this.verification = verification;
    this.teardown = teardown;
    this.writer = writer;
    this.retries = retries;
    this.config = config;
    this.requests = new StackRequests(identities, config);
  }

  /**
   * The tenancy policies and namespaces, watched so a policy change wakes the grants it concerns;
   * the stack watch, which wakes a grant when its stack's operation ends; and the start gate, which
   * wakes a grant waiting to start when a place frees.
   */
  @Override
  public List<EventSource<?, CrossAccountAccess>> prepareEventSources(
      EventSourceContext<CrossAccountAccess> context) {
    List<EventSource<?, CrossAccountAccess>> sources =
        new java.util.ArrayList<>(tenancy.eventSources(context));
    sources.add(watch.eventSource());
    sources.add(gate.eventSource());
    return sources;
  }

  @Override
  public UpdateControl<CrossAccountAccess> reconcile(
      CrossAccountAccess resource, Context<CrossAccountAccess> context) {
    LOG.debugf(
        "reconciling %s/%s generation %d",
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(),
        resource.getMetadata().getGeneration());
    ResourceID id = ResourceID.fromResource(resource);
    if (!gate.enter(id, notStarted(resource))) {
      // Nothing of this grant exists yet and grants under way fill every place: they are carried
      // through first. No status write and no AWS call; the gate wakes it when a place frees.
      return UpdateControl.<CrossAccountAccess>noUpdate().rescheduleAfter(StartGate.RECHECK);
    }
    try {
      GrantStatusBuilder status = writer.builder(resource);
      Duration next;
      try {
        next = advance(resource, status);
      } catch (AwsProblem problem) {
        next = retries.failed(resource, status, problem.reason(), problem.getMessage());
      } catch (RuntimeException unexpected) {
        next = retries.unexpected(resource, status, unexpected);
      }
      return writer.reconciled(resource, status, next, context);
    } finally {
      gate.left(id);
    }
  }

  /** managementPolicy Observe: nothing is deployed, changed or closed. */
  private static boolean observeOnly(CrossAccountAccess resource) {
    return resource.getSpec().getManagementPolicy() == ManagementPolicy.Observe;
  }

  /** No stack of the grant was created or found yet (as its status records). */
  private static boolean notStarted(CrossAccountAccess resource) {
    var status = resource.getStatus();
    return status == null
        || status.getProduction() == null
        || (status.getProduction().getStackId() == null
            && status.getProduction().getStackName() == null);
  }

  /** One step; problems the user must fix stall here, passing ones are thrown to be retried. */
  private Duration advance(CrossAccountAccess resource, GrantStatusBuilder status) {
    // Tenancy first: a grant no policy permits reads no Secret and makes no AWS call.
    Verdict verdict = tenancy.decide(resource);
    status.permittedBy(verdict.policy());
    if (!verdict.permitted()) {
      String message = notPermitted(verdict, status);
      status.stalled(Reason.NotPermitted, message);
      if (observeOnly(resource)) {
        return config.resyncInterval();
      }
      // Closing access only narrows it: what was deployed still reaches its end and has its
      // sessions revoked. A policy or namespace change wakes the grant; the resync is a safety net.
      return closure.advance(
          resource, status, Reason.NotPermitted, message, config.resyncInterval());
    }
    Grant grant;
    GrantLifetime lifetime;
    try {
      grant =
          resolver.resolve(resource, verdict.productionDeployer(), verdict.developmentDeployer());
      lifetime = GrantLifetime.of(resource, clock.instant());
    } catch (GrantProblem problem) {
      status.stalled(problem.reason(), problem.getMessage());
      if (observeOnly(resource)) {
        return config.stalledRecheckInterval();
      }
      // A problem the user must fix does not hold off the end: a deployed grant is still closed
      // on time (a tenant could otherwise delete the Secret its grant names just before the end),
      // and looked at again by the end at the latest.
      return closure.advance(
          resource,
          status,
          problem.reason(),
          problem.getMessage(),
          config.stalledRecheckInterval());
    }
    status.lifetime(lifetime.expiresAt(), lifetime.closedAt());
    MfaAdvisory.of(grant).ifPresent(status::mfaUnenforceable);
    // Suspension pauses changes, not the end of the access: an expired grant is closed anyway.
    if (grant.suspended() && !lifetime.expired()) {
      status.suspended();
      return untilExpiry(lifetime, config.resyncInterval());
    }
    if (grant.observeOnly()) {
      // Looked at, never changed: compared with what the spec would deploy, open.
      return observation.advance(
          resource,
          grant,
          requests.production(grant, AccessState.OPEN),
          requests.development(
              grant,
              AccessState.OPEN,
              GrantStacks.productionRoleArn(grant, config.aws().partition())),
          status);
    }
    try {
      Duration next = runbook(resource, grant, lifetime, status);
      if (status.isReady() && status.firstReadyTime().isEmpty()) {
        // The first Ready starts a ttl: from now on the grant has an end.
        lifetime = lifetime.firstReady(resource.getSpec(), status.time());
        status.lifetime(lifetime.expiresAt(), lifetime.closedAt());
      }
      return untilExpiry(lifetime, next);
    } catch (AwsProblem problem) {
      if (!problem.terminal()) {
        throw problem;
      }
      LOG.infof("%s/%s stalled: %s", grant.namespace(), grant.name(), problem.getMessage());
      status.stalled(problem.reason(), problem.getMessage());
      // A terminal AWS answer (access denied, expired credentials) is retried only at resync:
      // a user may fix it in AWS, which raises no Kubernetes event.
      return untilExpiry(lifetime, config.resyncInterval());
    }
  }

  /**
   * {@code next}, or sooner when the access ends before: the end is reached on time with no other
   * event (a restarted operator reconciles every grant and comes here again).
   */
  private Duration untilExpiry(GrantLifetime lifetime, Duration next) {
    return lifetime.nextLook(clock.instant(), next);
  }

  private static String notPermitted(Verdict verdict, GrantStatusBuilder status) {
    boolean deployed =
        status.productionStack().getStackId() != null
            || status.developmentStack().getStackId() != null;
    return verdict.message()
        + (deployed
            ? ". What was deployed earlier is not updated and not verified again until a policy"
                + " permits the grant, except that its end (spec.expiresAt, spec.ttl) still closes"
                + " it and the "
                + CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION
                + " annotation still revokes its sessions, since both only narrow access;"
                + " deleting the grant still removes it"
            : ". Nothing was deployed and no AWS call is made until a policy permits it");
  }

  /** The runbook, one step further: returns when to look again. */
  private Duration runbook(
      CrossAccountAccess resource, Grant grant, GrantLifetime lifetime, GrantStatusBuilder status) {
    String partition = config.aws().partition();
    String verifierRoleArn = GrantStacks.verifierRoleArn(grant, partition);
    // Open, or closed once the grant expired; with the sessions it revokes.
    AccessState access = lifetime.access();
    String expectedRoleArn = requests.roleArn(grant, status);
    ManualApproval.Requests wanted =
        new ManualApproval.Requests(
            requests.production(grant, access),
            requests.development(grant, access, expectedRoleArn),
            requests.production(grant, AccessState.OPEN),
            requests.development(grant, AccessState.OPEN, expectedRoleArn));
    // spec.updatePolicy Manual: a change of the access waits for approval.
    Optional<Duration> held = approval.hold(resource, grant, wanted, status);
    if (held.isPresent()) {
      return held.get();
    }
    if (lifetime.expired()) {
      status.expired(false);
    }

    // 1. Production stack: the role, its policy, the bucket, its key and bucket policy.
    StackProgress production =
        seenJustNow(grant, wanted.production(), status)
            .orElseGet(() -> deploy(Side.PRODUCTION, grant, wanted.production(), status));
    if (!production.ready()) {
      return afterUnfinished(resource, grant, Side.PRODUCTION, production, status);
    }
    status.sessionsRevokedBefore(access.revokeSessionsBefore());

    // 2. Development stack, fed by the production role's ARN.
    // The role's ARN as the production stack output it now; built before only when it differs.
    String roleArn = requests.roleArn(grant, status);
    StackRequest developmentRequest =
        roleArn.equals(expectedRoleArn)
            ? wanted.development()
            : requests.development(grant, access, roleArn);
    StackProgress development = deploy(Side.DEVELOPMENT, grant, developmentRequest, status);
    if (!development.ready()) {
      return afterUnfinished(resource, grant, Side.DEVELOPMENT, development, status);
    }
    // What is deployed now is the spec's: an approval of it is spent.
    ManualApproval.applied(resource, wanted, status);

    // 3. Drift: what AWS holds against what the production stack declares, put back under Repair.
    // Expired grants too: a trust reopened by hand is the worst drift of all.
    GrantDrift.Outcome checked =
        drift.advance(resource, grant, wanted.production(), developmentRequest, status);
    Duration nextCheck = checked.next().orElse(config.resyncInterval());

    // Expired: both stacks carry the closed configuration; there is nothing to prove.
    if (lifetime.expired()) {
      // The closed development stack has no assume policy (an emulator may not say so).
      status.developmentStack().setAssumePolicyArn(null);
      status.expired(true);
      return shorter(config.resyncInterval(), nextCheck);
    }

    Optional<Instant> revoked = access.revokeSessionsBefore();
    Instant now = clock.instant();
    if (revoked.isPresent() && now.isBefore(revoked.get())) {
      // A session issued now would be denied: prove the access with one issued after the bound.
      status.waitingForRevocation(
          "waits until "
              + revoked.get()
              + ": sessions issued before it are revoked (annotation "
              + CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION
              + ")");
      return Duration.between(now, revoked.get()).plusSeconds(1);
    }
    if (!grant.verification().enabled()) {
      status.verificationDisabled();
      return shorter(config.resyncInterval(), nextCheck);
    }
    // 4. Proof of access, through the verifier role and the production role; again after a repair.
    return shorter(
        verification.advance(
            grant,
            status,
            roleArn,
            verifierRoleArn,
            GrantDrift.verifiedConfiguration(
                production.appliedHash() + "+" + development.appliedHash(), status)),
        nextCheck);
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * The production stack as this process found it deployed moments ago, when the grant was woken
   * because its development stack's operation ended: reading it again would find the same (the
   * resync reads it again, and a change of it goes through the rollout). One DescribeStacks less
   * per grant on the way to Ready.
   */
  private Optional<StackProgress> seenJustNow(
      Grant grant, StackRequest request, GrantStatusBuilder status) {
    String development = status.developmentStack().getStackStatus();
    if (development == null || !development.endsWith("_IN_PROGRESS")) {
      return Optional.empty();
    }
    var recorded = status.productionStack();
    Optional<StackProgress> seen =
        rollout.recentlyReady(
            grant.account(Side.PRODUCTION),
            request,
            StackRecord.recordedName(recorded),
            recorded.getConfigurationHash());
    seen.ifPresent(p -> StackRecord.record(status, Side.PRODUCTION, request.stackName(), p));
    return seen;
  }

  /**
   * One side's stack one step towards {@code request}, recorded in status. Where the step started
   * an operation, the stack is looked at once more right away when that has been finding such
   * operations ended ({@link StackWatch#lookRightAway}): then the grant goes on in this reconcile.
   */
  private StackProgress deploy(
      Side side, Grant grant, StackRequest request, GrantStatusBuilder status) {
    StackProgress progress = step(side, grant, request, status);
    StackRecord.record(status, side, request.stackName(), progress);
    Grant.Account account = grant.account(side);
    if (progress.started()
        && progress.state() == StackProgress.State.IN_PROGRESS
        && watch.lookRightAway(account)) {
      StackProgress again = step(side, grant, request, status);
      boolean ended = again.state() != StackProgress.State.IN_PROGRESS;
      watch.lookedRightAway(account, ended);
      if (ended) {
        StackRecord.record(status, side, request.stackName(), again);
        return again;
      }
    }
    return progress;
  }

  private StackProgress step(
      Side side, Grant grant, StackRequest request, GrantStatusBuilder status) {
    var recorded = status.stackStatus(side);
    return rollout.advance(
        side,
        grant.account(side),
        request,
        StackRecord.recordedName(recorded),
        recorded.getConfigurationHash(),
        recorded.getFailedConfigurationHash());
  }

  private Duration afterUnfinished(
      CrossAccountAccess resource,
      Grant grant,
      Side side,
      StackProgress progress,
      GrantStatusBuilder status) {
    if (progress.state() == StackProgress.State.FAILED
        || progress.state() == StackProgress.State.CONFLICT) {
      status.stalled(progress.reason(), side.label() + " stack: " + progress.message());
      return config.resyncInterval();
    }
    return watch.lookAgain(
        resource, grant.account(side), status.stackStatus(side).getStackName(), progress);
  }

  @Override
  public DeleteControl cleanup(CrossAccountAccess resource, Context<CrossAccountAccess> context) {
    ResourceID id = ResourceID.fromResource(resource);
    gate.enter(id, false);
    try {
      GrantStatusBuilder status = writer.builder(resource);
      Optional<Duration> next = teardown.advance(resource, status, tenancy.decide(resource));
      if (next.isEmpty()) {
        writer.removed(resource);
        gate.gone(id);
        return DeleteControl.defaultDelete();
      }
      writer.deleting(resource, status);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(next.get().toMillis());
    } finally {
      gate.left(id);
    }
  }

  /**
   * Only reached if writing the status itself failed (every other failure is handled above): the
   * Operator SDK retries with its own backoff.
   */
  @Override
  public ErrorStatusUpdateControl<CrossAccountAccess> updateErrorStatus(
      CrossAccountAccess resource, Context<CrossAccountAccess> context, Exception e) {
    LOG.warnf(
        "%s/%s: status not written (%s: %s); retrying",
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(),
        e.getClass().getSimpleName(),
        e.getMessage());
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }
}
