package io.xaccess.reconciler;

import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.api.v1alpha1.StackStatus;
import io.xaccess.aws.AwsClients;
import io.xaccess.aws.AwsProblem;
import io.xaccess.cloudformation.GrantStacks;
import io.xaccess.cloudformation.StackOwner;
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
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What a deployed grant that is stalled — no tenancy policy permits it any more, or a problem the
 * user must fix (a Secret it names deleted or unlabelled, an invalid spec) — still gets: its end
 * and its revocations, because closing access only narrows it. Without this, tightening a policy
 * would keep the access open past its end — the policy meant to restrict the grant would extend it
 * — and a tenant could hold off its own grant's end by deleting the Secret the grant names.
 *
 * <p>Nothing else changes, and nothing is taken from a spec no policy vouches for any more: only
 * {@code AccessOpen} turns false at the end, and {@code RevokeSessionsBefore} moves later, never
 * back. When the grant's spec, Secrets and the operator's template are exactly what the stack was
 * deployed with (the recorded configuration hash says so), that is the runbook's own request with
 * the narrowed access; otherwise the stack keeps its deployed template and every other parameter's
 * deployed value ({@link GrantStacks#keepingDeployed}). The end itself can only come nearer ({@link
 * GrantLifetime#withoutPermission}). No stack is created; only stacks tagged with the grant's uid
 * are changed.
 *
 * <p>The refusing verdict names no deployer role, so the operator acts as the deletion of such a
 * grant does ({@link GrantResolver#account}): with the credentials the grant names, else its
 * default deployer role. That is safe because whatever that identity may do, the operator asks it
 * for nothing but the closed configuration of this grant's own stacks; and the deployer role's
 * trust (the cluster and namespace session tags, deploy/aws) still decides whether it may act at
 * all.
 */
@ApplicationScoped
public class StalledClosure {

  private static final Logger LOG = Logger.getLogger(StalledClosure.class);
  private static final List<Side> ORDER = List.of(Side.PRODUCTION, Side.DEVELOPMENT);

  private final GrantResolver resolver;
  private final AwsClients identities;
  private final StackRollout rollout;
  private final StackWatch watch;
  private final Clock clock;
  private final StackRequests requests;

  public StalledClosure(
      GrantResolver resolver,
      AwsClients identities,
      StackRollout rollout,
      XaccessConfig config,
      StackWatch watch,
      Clock clock) {
    this.watch = watch;
    this.resolver = resolver;
    this.identities = identities;
    this.rollout = rollout;
    this.clock = clock;
    this.requests = new StackRequests(identities, config);
  }

  /**
   * One step towards the narrowed stacks, recorded in {@code status}, which already says why the
   * grant is not permitted ({@code notPermitted}, the Stalled message).
   *
   * @return when to look again: soon while a stack operation runs, else at the resync or the end
   */
  Duration advance(
      CrossAccountAccess resource,
      GrantStatusBuilder status,
      Reason reason,
      String notPermitted,
      Duration recheck) {
    if (!deployed(status)) {
      // Stalled from the start: nothing in AWS to close, and no call is made.
      return recheck;
    }
    Instant now = clock.instant();
    GrantLifetime lifetime = GrantLifetime.withoutPermission(resource, now);
    status.lifetime(lifetime.expiresAt(), lifetime.closedAt());
    Duration resync = lifetime.nextLook(now, recheck);

    boolean close = lifetime.expired();
    Optional<Instant> carried =
        Optional.ofNullable(status.previous().getSessionsRevokedBefore()).map(Instant::parse);
    Optional<Instant> bound = later(lifetime.access().revokeSessionsBefore(), carried);
    Map<Side, Map<String, String>> changes = new LinkedHashMap<>();
    Map<String, String> production = new LinkedHashMap<>();
    if (close) {
      production.put("AccessOpen", "false");
    }
    if (bound.isPresent() && (close || !bound.equals(carried))) {
      production.put("RevokeSessionsBefore", bound.get().toString());
    }
    changes.put(Side.PRODUCTION, production);
    changes.put(Side.DEVELOPMENT, close ? Map.of("AccessOpen", "false") : Map.of());
    if (production.isEmpty() && !close) {
      // Open with no end reached and no new revocation: left as it is, with no AWS call.
      return resync;
    }
    if (close) {
      status.expired(false);
    }

    StackOwner owner =
        new StackOwner(
            resource.getMetadata().getUid(),
            resource.getMetadata().getNamespace(),
            resource.getMetadata().getName(),
            Optional.ofNullable(resource.getMetadata().getAnnotations())
                .map(a -> a.get(GrantResolver.ADOPT_UID_ANNOTATION))
                .filter(uid -> !uid.isBlank()));
    try {
      Optional<Grant> grant = resolved(resource);
      for (Side side : ORDER) {
        if (changes.get(side).isEmpty()) {
          continue;
        }
        StackStatus recorded = status.stackStatus(side);
        StackRequest request =
            grant
                .flatMap(g -> asDeployed(side, g, close, carried, bound, status))
                .orElseGet(() -> GrantStacks.keepingDeployed(side, owner, changes.get(side)));
        // Carried already (the hash is of exactly these changes): no AWS call.
        if (!request.configurationHash().equals(recorded.getConfigurationHash())) {
          Grant.Account account =
              grant.isPresent() ? grant.get().account(side) : resolver.account(resource, side);
          StackProgress progress =
              rollout.advance(
                  side,
                  account,
                  request,
                  StackRecord.recordedName(recorded),
                  recorded.getConfigurationHash(),
                  recorded.getFailedConfigurationHash());
          StackRecord.record(status, side, request.stackName(), progress);
          if (progress.state() == StackProgress.State.IN_PROGRESS) {
            return watch.lookAgain(resource, account, recorded.getStackName(), progress);
          }
          if (progress.state() == StackProgress.State.FAILED
              || progress.state() == StackProgress.State.CONFLICT) {
            notApplied(
                resource,
                status,
                reason,
                notPermitted,
                side.label() + " stack: " + progress.message());
            return resync;
          }
        }
        if (side == Side.PRODUCTION) {
          status.sessionsRevokedBefore(bound);
        }
      }
    } catch (GrantProblem problem) {
      notApplied(resource, status, reason, notPermitted, problem.getMessage());
      return resync;
    } catch (AwsProblem problem) {
      if (!problem.terminal()) {
        throw problem;
      }
      notApplied(resource, status, reason, notPermitted, problem.getMessage());
      return resync;
    }
    if (close) {
      // The closed development stack has no assume policy (an emulator may not say so).
      status.developmentStack().setAssumePolicyArn(null);
      status.expired(true);
    }
    return resync;
  }

  /**
   * The end or the revocation could not be applied: the Stalled message says so, since the access
   * may be open longer than its spec says. Tried again at the resync (a fix in AWS raises no
   * event).
   */
  private static void notApplied(
      CrossAccountAccess resource,
      GrantStatusBuilder status,
      Reason reason,
      String notPermitted,
      String why) {
    LOG.warnf(
        "%s/%s: stalled (%s), and its end or revocation was not applied: %s",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), reason, why);
    status.stalled(reason, notPermitted + ". Its end and revocations were not applied yet: " + why);
  }

  /** The grant as its spec and Secrets say now, with no deployer role from a policy. */
  private Optional<Grant> resolved(CrossAccountAccess resource) {
    try {
      return Optional.of(resolver.resolve(resource, Optional.empty(), Optional.empty()));
    } catch (GrantProblem problem) {
      // A Secret gone or changed: what is deployed is kept as it is (keepingDeployed).
      return Optional.empty();
    }
  }

  /**
   * The stack's whole configuration with the narrowed access, when it is deployed with exactly the
   * grant's spec, Secrets and template as they are now (its recorded hash is theirs with the access
   * it carries): then it differs from what is deployed in AccessOpen and RevokeSessionsBefore
   * alone. Else empty, and {@link GrantStacks#keepingDeployed} keeps the rest as deployed.
   */
  private Optional<StackRequest> asDeployed(
      Side side,
      Grant grant,
      boolean close,
      Optional<Instant> carried,
      Optional<Instant> bound,
      GrantStatusBuilder status) {
    String recorded = status.stackStatus(side).getConfigurationHash();
    if (recorded == null) {
      return Optional.empty();
    }
    for (boolean open : List.of(true, false)) {
      StackRequest narrowed = stack(side, grant, new AccessState(open && !close, bound), status);
      // Deployed with the access it carries, or already on its way to the narrowed one.
      if (recorded.equals(narrowed.configurationHash())
          || recorded.equals(
              stack(side, grant, new AccessState(open, carried), status).configurationHash())) {
        return Optional.of(narrowed.existingOnly());
      }
    }
    return Optional.empty();
  }

  /** The request the runbook would make for {@code side} with {@code access}. */
  private StackRequest stack(
      Side side, Grant grant, AccessState access, GrantStatusBuilder status) {
    return side == Side.PRODUCTION
        ? requests.production(grant, access)
        : requests.development(grant, access, requests.roleArn(grant, status));
  }

  /** Whether status records a stack on either side: the grant reached AWS. */
  private static boolean deployed(GrantStatusBuilder status) {
    return status.productionStack().getStackName() != null
        || status.developmentStack().getStackName() != null;
  }

  private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return a.get().isAfter(b.get()) ? a : b;
  }
}
