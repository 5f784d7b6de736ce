package io.xaccess.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import io.xaccess.api.v1alpha1.DeletionPolicy;
import io.xaccess.api.v1alpha1.DevelopmentStackStatus;
import io.xaccess.api.v1alpha1.ProductionStackStatus;
import io.xaccess.api.v1alpha1.StackStatus;
import io.xaccess.api.v1alpha1.VerificationResult;
import io.xaccess.aws.AwsClients;
import io.xaccess.aws.AwsProblem;
import io.xaccess.aws.BucketSession;
import io.xaccess.cloudformation.GrantStacks;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.cloudformation.StackProgress;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.cloudformation.StackRollout;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Grant;
import io.xaccess.grant.GrantProblem;
import io.xaccess.grant.GrantResolver;
import io.xaccess.metrics.GrantMetrics;
import io.xaccess.status.GrantStatusBuilder;
import io.xaccess.status.GrantStatusBuilder.Step;
import io.xaccess.verification.AccessVerifier;
import io.xaccess.verification.VerificationOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Reads like the runbook: production stack, then its outputs feed the development stack, then the
 * access is proven, then status. Each reconcile moves things one step and returns; nothing here
 * waits for AWS. Deletion runs the other way round, behind the {@value #FINALIZER} finalizer.
 */
@ControllerConfiguration(
    name = "crossaccountaccess",
    finalizerName = CrossAccountAccessReconciler.FINALIZER,
    // WorthReconciling does the generation check, plus the release annotation.
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = WorthReconciling.class))
@GradualRetry(
    maxAttempts = 12,
    initialInterval = 2000,
    intervalMultiplier = 2.0,
    maxInterval = 300_000)
public class CrossAccountAccessReconciler
    implements Reconciler<CrossAccountAccess>, Cleaner<CrossAccountAccess> {

  public static final String FINALIZER = "xaccess.io/finalizer";

  /** Set to "true" to let a resource go without touching AWS (an account that is gone for good). */
  public static final String RELEASE_ANNOTATION = "xaccess.io/release-finalizer";

  private static final Logger LOG = Logger.getLogger(CrossAccountAccessReconciler.class);

  private final GrantResolver resolver;
  private final AwsClients clients;
  private final StackRollout rollout;
  private final AccessVerifier verifier;
  private final GrantEvents events;
  private final XaccessConfig config;
  private final KubernetesClient client;
  private final GrantMetrics metrics;
  private final Clock clock = Clock.systemUTC();

  public CrossAccountAccessReconciler(
      KubernetesClient client,
      GrantMetrics metrics,
      GrantResolver resolver,
      AwsClients clients,
      StackRollout rollout,
      AccessVerifier verifier,
      GrantEvents events,
      XaccessConfig config) {
    this.client = client;
    this.metrics = metrics;
    this.resolver = resolver;
    this.clients = clients;
    this.rollout = rollout;
    this.verifier = verifier;
    this.events = events;
    this.config = config;
  }

  @Override
  public UpdateControl<CrossAccountAccess> reconcile(
      CrossAccountAccess resource, Context<CrossAccountAccess> context) {
    Instant now = clock.instant();
    LOG.debugf(
        "reconciling %s/%s generation %d",
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(),
        resource.getMetadata().getGeneration());
    CrossAccountAccessStatus previous = resource.getStatus();
    GrantStatusBuilder status =
        new GrantStatusBuilder(previous, resource.getMetadata().getGeneration(), now);
    Grant grant;
    try {
      grant = resolver.resolve(resource);
    } catch (GrantProblem problem) {
      status.stalled(problem.reason(), problem.getMessage());
      return finish(resource, status, config.stalledRecheckInterval());
    }
    mfaWarning(grant).ifPresent(status::mfaUnenforceable);
    if (grant.suspended()) {
      status.suspended();
      return finish(resource, status, config.resyncInterval());
    }
    try {
      return finish(resource, status, deploy(grant, previous, status, now));
    } catch (AwsProblem problem) {
      if (!problem.terminal()) {
        throw problem; // JOSDK retries with backoff; updateErrorStatus reports it
      }
      LOG.infof("%s/%s stalled: %s", grant.namespace(), grant.name(), problem.getMessage());
      status.stalled(problem.reason(), problem.getMessage());
      // A terminal AWS answer (access denied, expired credentials) is retried only at resync:
      // a user may fix it in AWS, which raises no Kubernetes event.
      return finish(resource, status, config.resyncInterval());
    }
  }

  /** The runbook: returns when to look again. */
  private Duration deploy(
      Grant grant, CrossAccountAccessStatus previous, GrantStatusBuilder status, Instant now) {
    String partition = config.aws().partition();
    String verifierRoleArn = GrantStacks.verifierRoleArn(grant, partition);

    // 1. Production stack.
    StackRequest production =
        GrantStacks.production(
            grant, clients.principalArn(grant.production()), verifierRoleArn, partition);
    ProductionStackStatus prodStatus = status.productionStack();
    StackProgress prod =
        rollout.advance(
            "production",
            grant.production(),
            production,
            prodStatus.getConfigurationHash(),
            prodStatus.getFailedConfigurationHash());
    record(prodStatus, production, prod);
    if (prod.ready() || !prod.outputs().isEmpty()) {
      prodStatus.setRoleArn(output(prod, "RoleArn", prodStatus.getRoleArn()));
      prodStatus.setBucketArn(output(prod, "BucketArn", prodStatus.getBucketArn()));
      prodStatus.setKmsKeyArn(emptyToNull(output(prod, "KmsKeyArn", prodStatus.getKmsKeyArn())));
      prodStatus.setBucketPolicy(output(prod, "BucketPolicy", prodStatus.getBucketPolicy()));
    }
    status.production(step(prod), prod.reason(), prod.message());
    if (!prod.ready()) {
      return afterStep(grant, status, prod, "production");
    }

    // 2. Development stack, fed by the production role's ARN.
    String roleArn =
        prodStatus.getRoleArn() != null
            ? prodStatus.getRoleArn()
            : "arn:"
                + partition
                + ":iam::"
                + grant.production().accountId()
                + ":role/"
                + grant.role().name();
    StackRequest development =
        GrantStacks.development(grant, roleArn, clients.principalArn(grant.development()));
    DevelopmentStackStatus devStatus = status.developmentStack();
    StackProgress dev =
        rollout.advance(
            "development",
            grant.development(),
            development,
            devStatus.getConfigurationHash(),
            devStatus.getFailedConfigurationHash());
    record(devStatus, development, dev);
    if (dev.ready() || !dev.outputs().isEmpty()) {
      devStatus.setAssumePolicyArn(output(dev, "AssumePolicyArn", devStatus.getAssumePolicyArn()));
      devStatus.setVerifierRoleArn(output(dev, "VerifierRoleArn", devStatus.getVerifierRoleArn()));
      devStatus.setAssumerRoleArn(
          emptyToNull(output(dev, "AssumerRoleArn", devStatus.getAssumerRoleArn())));
    }
    status.development(step(dev), dev.reason(), dev.message());
    if (!dev.ready()) {
      return afterStep(grant, status, dev, "development");
    }

    // 3. Proof of access.
    if (!grant.verification().enabled()) {
      status.verificationDisabled();
      return config.resyncInterval();
    }
    return verify(
        grant,
        previous,
        status,
        now,
        roleArn,
        verifierRoleArn,
        prod.appliedHash() + "+" + dev.appliedHash());
  }

  private Duration verify(
      Grant grant,
      CrossAccountAccessStatus previous,
      GrantStatusBuilder status,
      Instant now,
      String roleArn,
      String verifierRoleArn,
      String configurationHash) {
    VerificationResult last = previous == null ? null : previous.getLastVerification();
    boolean sameConfig = last != null && configurationHash.equals(last.getConfigurationHash());
    boolean lastSucceeded = sameConfig && "Succeeded".equals(last.getResult());
    int failedAttempts =
        sameConfig && last.getFailedAttempts() != null ? last.getFailedAttempts() : 0;
    Instant lastTime =
        last == null || last.getTime() == null ? Instant.EPOCH : Instant.parse(last.getTime());
    Duration interval = grant.verification().interval();

    Duration wait;
    if (lastSucceeded) {
      wait = interval.isZero() ? null : interval.minus(Duration.between(lastTime, now));
    } else if (sameConfig && failedAttempts > 0) {
      wait = retryDelay(failedAttempts).minus(Duration.between(lastTime, now));
    } else {
      wait = Duration.ZERO;
    }
    if (wait == null || wait.compareTo(Duration.ZERO) > 0) {
      // Not due: report the last result as it stands.
      if (lastSucceeded) {
        status.verification(Step.DONE, "UploadSucceeded", last.getMessage());
      } else {
        status.verification(
            failedAttempts > propagationAttempts() ? Step.FAILED : Step.IN_PROGRESS,
            "VerificationFailed",
            last.getMessage());
      }
      return wait == null ? config.resyncInterval() : min(wait, config.resyncInterval());
    }

    VerificationOutcome outcome = verifier.verify(grant, roleArn, verifierRoleArn);
    metrics.verification(outcome.succeeded(), Duration.ofMillis(outcome.durationMillis()));
    VerificationResult result = new VerificationResult();
    result.setTime(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    result.setResult(outcome.succeeded() ? "Succeeded" : "Failed");
    result.setObjectKey(outcome.objectKey());
    result.setDurationMillis(outcome.durationMillis());
    result.setMessage(outcome.message());
    result.setConfigurationHash(configurationHash);
    result.setFailedAttempts(outcome.succeeded() ? 0 : failedAttempts + 1);
    status.lastVerification(result);
    if (outcome.succeeded()) {
      status.verification(Step.DONE, outcome.reason(), outcome.message());
      return interval.isZero() ? config.resyncInterval() : min(interval, config.resyncInterval());
    }
    int attempts = failedAttempts + 1;
    if (attempts <= propagationAttempts()) {
      // New roles take a while to be usable everywhere: retry with backoff before failing.
      status.verification(
          Step.IN_PROGRESS,
          "WaitingForPropagation",
          "attempt "
              + attempts
              + " failed, IAM changes may still be propagating: "
              + outcome.message());
      return retryDelay(attempts);
    }
    status.verification(Step.FAILED, outcome.reason(), outcome.message());
    return min(retryDelay(attempts), config.resyncInterval());
  }

  @Override
  public DeleteControl cleanup(CrossAccountAccess resource, Context<CrossAccountAccess> context) {
    String name = resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    if ("true"
        .equals(
            resource.getMetadata().getAnnotations() == null
                ? null
                : resource.getMetadata().getAnnotations().get(RELEASE_ANNOTATION))) {
      events.warning(
          resource,
          "FinalizerReleased",
          RELEASE_ANNOTATION
              + " is set: released without touching AWS; remove the stacks "
              + StackNames.development(
                  resource.getMetadata().getNamespace(), resource.getMetadata().getName())
              + " and "
              + StackNames.production(
                  resource.getMetadata().getNamespace(), resource.getMetadata().getName())
              + " yourself if they still exist");
      metrics.removed(resource.getMetadata().getUid());
      return DeleteControl.defaultDelete();
    }
    if (resource.getSpec().getDeletionPolicy() == DeletionPolicy.Orphan) {
      events.normal(
          resource,
          "Orphaned",
          "deletionPolicy is Orphan: both stacks and everything in AWS are left as they are");
      metrics.removed(resource.getMetadata().getUid());
      return DeleteControl.defaultDelete();
    }
    GrantStatusBuilder status =
        new GrantStatusBuilder(
            resource.getStatus(), resource.getMetadata().getGeneration(), clock.instant());
    try {
      Grant grant = resolver.resolve(resource);
      StackProgress dev =
          rollout.remove(
              "development",
              grant.development(),
              StackNames.development(grant.namespace(), grant.name()));
      if (dev.state() != StackProgress.State.GONE) {
        status.deleting("development stack: " + dev.message());
        return waitForDeletion(resource, status, poll(dev));
      }
      StackProgress prod =
          rollout.remove(
              "production",
              grant.production(),
              StackNames.production(grant.namespace(), grant.name()));
      if (prod.state() != StackProgress.State.GONE) {
        status.deleting("production stack: " + prod.message());
        return waitForDeletion(resource, status, poll(prod));
      }
      removeEmptyBucket(resource, grant);
      LOG.infof("%s: both stacks deleted", name);
      metrics.removed(resource.getMetadata().getUid());
      return DeleteControl.defaultDelete();
    } catch (GrantProblem problem) {
      status.deleting(
          "cannot delete yet: "
              + problem.getMessage()
              + " (or set the annotation "
              + RELEASE_ANNOTATION
              + "=true)");
      status.stalled(problem.reason(), problem.getMessage());
      return waitForDeletion(resource, status, config.stalledRecheckInterval());
    } catch (AwsProblem problem) {
      status.deleting(
          "cannot delete yet: "
              + problem.getMessage()
              + (problem.terminal()
                  ? " (if the account is gone for good, set the annotation "
                      + RELEASE_ANNOTATION
                      + "=true)"
                  : ""));
      if (problem.terminal()) {
        status.stalled(problem.reason(), problem.getMessage());
      }
      return waitForDeletion(
          resource, status, problem.terminal() ? config.resyncInterval() : config.pollInterval());
    }
  }

  /** bucket.deletionPolicy Delete: the bucket (and its key) go only when the bucket is empty. */
  private void removeEmptyBucket(CrossAccountAccess resource, Grant grant) {
    if (!grant.bucket().deleteWhenEmpty()) {
      return;
    }
    String bucket = grant.bucket().name();
    try (BucketSession operator = clients.operatorSession(grant.production())) {
      if (!operator.exists(bucket)) {
        return;
      }
      if (!operator.isEmpty(bucket)) {
        events.warning(
            resource,
            "BucketRetained",
            "bucket "
                + bucket
                + " holds objects, so it was kept with its KMS key: xaccess never deletes"
                + " objects; delete the bucket yourself once it is no longer needed");
        return;
      }
      operator.deleteBucket(bucket);
      String keyArn =
          resource.getStatus() == null || resource.getStatus().getProduction() == null
              ? null
              : resource.getStatus().getProduction().getKmsKeyArn();
      if (keyArn != null && "KMS".equals(grant.bucket().encryption())) {
        clients.scheduleKeyDeletion(grant.production(), keyArn, "alias/xaccess/" + bucket);
      }
      events.normal(
          resource,
          "BucketDeleted",
          "the empty bucket "
              + bucket
              + " was deleted"
              + (keyArn != null ? "; its key is scheduled for deletion in 7 days" : ""));
    }
  }

  @Override
  public ErrorStatusUpdateControl<CrossAccountAccess> updateErrorStatus(
      CrossAccountAccess resource, Context<CrossAccountAccess> context, Exception e) {
    String message =
        e instanceof AwsProblem p
            ? p.getMessage()
            : "unexpected error: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    String reason = e instanceof AwsProblem p ? p.reason() : "ReconcileError";
    LOG.warnf(
        "%s/%s: %s (retrying)",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
    CrossAccountAccessStatus status =
        resource.getStatus() == null ? new CrossAccountAccessStatus() : resource.getStatus();
    status.getConditions().stream()
        .filter(c -> GrantStatusBuilder.RECONCILING.equals(c.getType()))
        .forEach(
            c -> {
              c.setStatus("True");
              c.setReason(reason);
              c.setMessage(message);
            });
    resource.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(resource);
  }

  /** Which allowed principals can never satisfy requireMfa, in words, if any. */
  static java.util.Optional<String> mfaWarning(Grant grant) {
    if (!grant.trust().requireMfa()) {
      return java.util.Optional.empty();
    }
    java.util.List<String> never = new java.util.ArrayList<>();
    if (grant.principals().isEmpty()) {
      never.add("any role of the development account (no principals are listed)");
    }
    grant.principals().stream().filter(p -> p.contains(":role/")).forEach(never::add);
    grant
        .assumer()
        .ifPresent(a -> never.add("the assumer role " + a.name() + " (" + a.trustedBy() + ")"));
    if (never.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        "trust.requireMfa is set, but role sessions never carry MFA (SSO and role chaining"
            + " included), so these can never assume the role: "
            + String.join(", ", never)
            + ". Only IAM users signing in with MFA can; the operator's verifier is exempt.");
  }

  private Duration afterStep(
      Grant grant, GrantStatusBuilder status, StackProgress progress, String which) {
    if (progress.state() == StackProgress.State.FAILED) {
      status.stalled(progress.reason(), which + " stack: " + progress.message());
      return config.resyncInterval();
    }
    return poll(progress);
  }

  /** Soon after starting an operation, then every pollInterval. */
  private Duration poll(StackProgress progress) {
    return progress.started()
        ? min(config.firstPollDelay(), config.pollInterval())
        : config.pollInterval();
  }

  private UpdateControl<CrossAccountAccess> finish(
      CrossAccountAccess resource, GrantStatusBuilder builder, Duration next) {
    CrossAccountAccessStatus before = resource.getStatus();
    CrossAccountAccessStatus after = builder.build();
    metrics.phase(resource.getMetadata().getUid(), after.getPhase());
    if (before != null && Serialization.asJson(before).equals(Serialization.asJson(after))) {
      return UpdateControl.<CrossAccountAccess>noUpdate().rescheduleAfter(next);
    }
    if (builder.isReady() && !wasEverReady(before)) {
      metrics.firstReady(
          Duration.between(
              Instant.parse(resource.getMetadata().getCreationTimestamp()), clock.instant()));
    }
    events.transitions(resource, before, after);
    resource.setStatus(after);
    return UpdateControl.patchStatus(resource).rescheduleAfter(next);
  }

  /** Whether a status shows the grant was Ready at some point (its verification succeeded once). */
  private static boolean wasEverReady(CrossAccountAccessStatus status) {
    return status != null
        && status.getConditions().stream()
            .anyMatch(
                c -> GrantStatusBuilder.READY.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private DeleteControl waitForDeletion(
      CrossAccountAccess resource, GrantStatusBuilder builder, Duration next) {
    CrossAccountAccessStatus before = resource.getStatus();
    CrossAccountAccessStatus after = builder.build();
    if (before == null || !Serialization.asJson(before).equals(Serialization.asJson(after))) {
      events.transitions(resource, before, after);
      CrossAccountAccess patch = new CrossAccountAccess();
      patch.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
              .withName(resource.getMetadata().getName())
              .withNamespace(resource.getMetadata().getNamespace())
              .build());
      patch.setStatus(after);
      try {
        client.resource(patch).patchStatus();
      } catch (RuntimeException e) {
        LOG.debugf(
            "status of %s not updated during deletion: %s",
            resource.getMetadata().getName(), e.getMessage());
      }
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(next.toMillis());
  }

  private static void record(StackStatus target, StackRequest request, StackProgress progress) {
    target.setStackName(request.stackName());
    if (progress.stackId() != null) {
      target.setStackId(progress.stackId());
    }
    target.setStackStatus(progress.stackStatus());
    target.setConfigurationHash(progress.appliedHash());
    target.setFailedConfigurationHash(progress.failedHash());
  }

  private static Step step(StackProgress progress) {
    return switch (progress.state()) {
      case READY -> Step.DONE;
      case FAILED -> Step.FAILED;
      default -> Step.IN_PROGRESS;
    };
  }

  private static String output(StackProgress progress, String key, String fallback) {
    String value = progress.outputs().get(key);
    // moto (and CloudFormation right after some updates) may return no outputs: keep what we knew.
    return value == null ? fallback : value;
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private int propagationAttempts() {
    long window = config.verification().propagationWindow().toMillis();
    int attempts = 0;
    long waited = 0;
    while (waited < window) {
      attempts++;
      waited += retryDelay(attempts).toMillis();
    }
    return attempts;
  }

  private Duration retryDelay(int attempts) {
    Duration delay =
        config.verification().retryInitialDelay().multipliedBy(1L << Math.min(attempts - 1, 16));
    return min(delay, config.verification().retryMaxDelay());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
