package io.xaccess.reconciler;

import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.DeletionPolicy;
import io.xaccess.api.v1alpha1.ManagementPolicy;
import io.xaccess.api.v1alpha1.ProductionStackStatus;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsProblem;
import io.xaccess.cloudformation.GrantStacks;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.cloudformation.StackProgress;
import io.xaccess.cloudformation.StackRollout;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Grant;
import io.xaccess.grant.GrantProblem;
import io.xaccess.grant.GrantResolver;
import io.xaccess.grant.Side;
import io.xaccess.status.GrantStatusBuilder;
import io.xaccess.tenancy.Verdict;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Deletion, the runbook backwards: the development stack first, then the production stack, then —
 * only with {@code bucket.deletionPolicy: Delete} and only when it is empty — the bucket and its
 * key, and only those the production stack itself created and that carry the grant's uid ({@link
 * OwnedResources}). A stack that is not the grant's own is left alone. A bucket whose policy the
 * grant managed keeps a TLS-only policy. Never waits: each step starts or observes one operation.
 * {@code deletionPolicy: Orphan} and the {@value #RELEASE_ANNOTATION} annotation let the resource
 * go without touching AWS.
 */
@ApplicationScoped
public class GrantTeardown {

  /** Set to "true" to let a resource go without touching AWS (an account that is gone for good). */
  public static final String RELEASE_ANNOTATION = CrossAccountAccess.RELEASE_ANNOTATION;

  private static final Logger LOG = Logger.getLogger(GrantTeardown.class);
  private static final List<Side> ORDER = List.of(Side.DEVELOPMENT, Side.PRODUCTION);

  private final GrantResolver resolver;
  private final StackRollout rollout;
  private final OwnedResources owned;
  private final GrantEvents events;
  private final Retries retries;
  private final XaccessConfig config;
  private final StackWatch watch;

  public GrantTeardown(
      GrantResolver resolver,
      StackRollout rollout,
      OwnedResources owned,
      GrantEvents events,
      Retries retries,
      XaccessConfig config,
      StackWatch watch) {
    this.watch = watch;
    this.resolver = resolver;
    this.rollout = rollout;
    this.owned = owned;
    this.events = events;
    this.retries = retries;
    this.config = config;
  }

  /**
   * One step of the deletion, recorded in {@code status}.
   *
   * @return empty when nothing is left to do and the finalizer may go; else when to look again
   */
  public Optional<Duration> advance(
      CrossAccountAccess resource, GrantStatusBuilder status, Verdict verdict) {
    String namespace = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    if (!verdict.permitted() && neverDeployed(resource)) {
      // Refused from the start, so it never made an AWS call: there is nothing to remove.
      events.normal(
          resource,
          Reason.NotPermitted,
          "no policy permitted this grant, so nothing was deployed: removed without an AWS call");
      return Optional.empty();
    }
    boolean observed = resource.getSpec().getManagementPolicy() == ManagementPolicy.Observe;
    if (!verdict.permitted()
        && (released(resource)
            || observed
            || resource.getSpec().getDeletionPolicy() == DeletionPolicy.Orphan)) {
      // Leaving AWS as it is was the tenant's choice under a policy that no longer permits it:
      // deletion removes what the grant created instead.
      events.warning(
          resource,
          Reason.NotPermitted,
          "the release annotation, deletionPolicy Orphan and managementPolicy Observe are not"
              + " honoured: "
              + verdict.message()
              + "; the stacks are removed");
    } else if (released(resource)) {
      events.warning(
          resource,
          Reason.FinalizerReleased,
          RELEASE_ANNOTATION
              + " is set: released without touching AWS; remove the stacks "
              + recordedOr(resource, Side.DEVELOPMENT)
              + " and "
              + recordedOr(resource, Side.PRODUCTION)
              + " yourself if they still exist");
      return Optional.empty();
    }
    if (verdict.permitted() && observed) {
      events.normal(
          resource,
          Reason.ObservedOnly,
          "managementPolicy is Observe: nothing in AWS is changed or removed");
      return Optional.empty();
    }
    if (verdict.permitted() && resource.getSpec().getDeletionPolicy() == DeletionPolicy.Orphan) {
      events.normal(
          resource,
          Reason.Orphaned,
          "deletionPolicy is Orphan: both stacks and everything in AWS are left as they are");
      return Optional.empty();
    }
    try {
      Grant grant =
          resolver.resolve(resource, verdict.productionDeployer(), verdict.developmentDeployer());
      for (Side side : ORDER) {
        StackProgress progress =
            rollout.remove(
                side,
                grant.account(side),
                GrantStacks.owner(grant),
                StackNames.candidates(side, namespace, name),
                status.stackStatus(side).getStackName(),
                side == Side.PRODUCTION ? created(grant, status.productionStack()) : null);
        if (progress.state() != StackProgress.State.GONE) {
          status.deleting(side.label() + " stack: " + progress.message());
          return Optional.of(
              watch.lookAgain(
                  resource,
                  grant.account(side),
                  status.stackStatus(side).getStackName(),
                  progress));
        }
        if (progress.reason() == Reason.StackConflict) {
          events.warning(resource, Reason.StackConflict, progress.message());
        }
      }
      removeEmptyBucket(resource, grant, status.productionStack());
      keepTlsOnly(resource, grant, status.productionStack());
      LOG.infof("%s/%s: both stacks deleted", namespace, name);
      return Optional.empty();
    } catch (GrantProblem problem) {
      status.deleting(
          "cannot delete yet: "
              + problem.getMessage()
              + " (or set the annotation "
              + RELEASE_ANNOTATION
              + "=true)");
      status.stalled(problem.reason(), problem.getMessage());
      return Optional.of(config.stalledRecheckInterval());
    } catch (AwsProblem problem) {
      if (!problem.terminal()) {
        status.deleting("cannot delete yet: " + problem.getMessage());
        return Optional.of(
            retries.failed(resource, status, problem.reason(), problem.getMessage()));
      }
      status.deleting(
          "cannot delete yet: "
              + problem.getMessage()
              + " (if the account is gone for good, set the annotation "
              + RELEASE_ANNOTATION
              + "=true)");
      status.stalled(problem.reason(), problem.getMessage());
      return Optional.of(config.resyncInterval());
    } catch (RuntimeException unexpected) {
      status.deleting(
          "cannot delete yet: "
              + unexpected.getClass().getSimpleName()
              + ": "
              + unexpected.getMessage());
      return Optional.of(retries.unexpected(resource, status, unexpected));
    }
  }

  /** The stack's name as status recorded it (it may be a former one), else the grant's. */
  private static String recordedOr(CrossAccountAccess resource, Side side) {
    var status = resource.getStatus();
    var stack =
        status == null
            ? null
            : side == Side.PRODUCTION ? status.getProduction() : status.getDevelopment();
    return stack != null && stack.getStackName() != null
        ? stack.getStackName()
        : StackNames.of(
            side, resource.getMetadata().getNamespace(), resource.getMetadata().getName());
  }

  /** Whether status records no stack on either side: the grant never reached AWS. */
  private static boolean neverDeployed(CrossAccountAccess resource) {
    var status = resource.getStatus();
    return status == null
        || ((status.getProduction() == null || status.getProduction().getStackName() == null)
            && (status.getDevelopment() == null || status.getDevelopment().getStackName() == null));
  }

  /** Whether the release annotation is set to "true". */
  static boolean released(CrossAccountAccess resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(RELEASE_ANNOTATION));
  }

  /**
   * Records what the production stack itself created, read from its resources right before its
   * deletion starts: after it is gone, that record is the only thing the bucket and key removal
   * trusts (and then only with the grant's uid on them).
   */
  private java.util.function.Consumer<Map<String, String>> created(
      Grant grant, ProductionStackStatus production) {
    return resources -> {
      if (grant.bucket().deleteWhenEmpty()) {
        owned.mark(grant.production(), grant.uid(), resources);
      }
      production.setCreatedBucket(resources.get(OwnedResources.BUCKET));
      production.setCreatedKmsKeyId(resources.get(OwnedResources.KEY));
    };
  }

  /** bucket.deletionPolicy Delete: the bucket (and its key) go only when the bucket is empty. */
  private void removeEmptyBucket(
      CrossAccountAccess resource, Grant grant, ProductionStackStatus production) {
    if (!grant.bucket().deleteWhenEmpty()) {
      return;
    }
    OwnedResources.Removal removal =
        owned.remove(
            grant.production(),
            OwnedResources.uids(GrantStacks.owner(grant)),
            production.getCreatedBucket(),
            production.getCreatedKmsKeyId());
    if (!removal.done().isEmpty()) {
      events.normal(resource, Reason.BucketDeleted, String.join("; ", removal.done()));
    }
    if (!removal.kept().isEmpty()) {
      events.warning(resource, removal.keptReason(), String.join("; ", removal.kept()));
    }
  }

  /**
   * The bucket policy this grant managed went with its stack; the bucket (when it stays) keeps at
   * least the TLS-only deny, so deleting a grant never leaves a bucket less protected than before.
   */
  private void keepTlsOnly(
      CrossAccountAccess resource, Grant grant, ProductionStackStatus production) {
    // Only where this grant's own stack held the policy (its output said so).
    if (!grant.bucket().managePolicy() || !"Managed".equals(production.getBucketPolicy())) {
      return;
    }
    String bucket = grant.bucket().create() ? production.getCreatedBucket() : grant.bucket().name();
    if (bucket != null && owned.keepTlsOnly(grant.production(), bucket)) {
      events.normal(
          resource,
          Reason.TlsOnlyPolicyKept,
          "bucket "
              + bucket
              + " keeps a policy that denies requests without TLS (the grant's other statements"
              + " went with its stack)");
    }
  }
}
