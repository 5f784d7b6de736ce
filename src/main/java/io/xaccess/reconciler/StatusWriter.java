package io.xaccess.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import io.xaccess.metrics.GrantMetrics;
import io.xaccess.status.GrantStatusBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The one way status is written, from a {@link GrantStatusBuilder} on every path — reconcile
 * (failures included) and deletion: nothing is written when the status did not change, and each
 * write comes with the Events for its transitions and the phase metric.
 */
@ApplicationScoped
public class StatusWriter {

  private static final Logger LOG = Logger.getLogger(StatusWriter.class);

  private final GrantEvents events;
  private final GrantMetrics metrics;
  private final Clock clock;
  private final Consumer<CrossAccountAccess> deletionPatch;
  private final ReconcilePatch reconcilePatch;

  /** How a reconcile's changed status is written: what the reconcile returns. */
  @FunctionalInterface
  interface ReconcilePatch {
    UpdateControl<CrossAccountAccess> write(
        CrossAccountAccess resource, Context<CrossAccountAccess> context);
  }

  @Inject
  public StatusWriter(
      KubernetesClient client, GrantEvents events, GrantMetrics metrics, Clock clock) {
    this(
        events,
        metrics,
        clock,
        patch -> client.resource(patch).patchStatus(),
        StatusWriter::patchAndCache);
  }

  /**
   * With {@code deletionPatch} sending a status patch while the finalizer holds the resource; a
   * reconcile's status as the Operator SDK's own status patch.
   */
  StatusWriter(
      GrantEvents events,
      GrantMetrics metrics,
      Clock clock,
      Consumer<CrossAccountAccess> deletionPatch) {
    this(
        events,
        metrics,
        clock,
        deletionPatch,
        (resource, context) -> UpdateControl.patchStatus(resource));
  }

  StatusWriter(
      GrantEvents events,
      GrantMetrics metrics,
      Clock clock,
      Consumer<CrossAccountAccess> deletionPatch,
      ReconcilePatch reconcilePatch) {
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.deletionPatch = deletionPatch;
    this.reconcilePatch = reconcilePatch;
  }

  /**
   * The status written (server-side apply, with the resource version it was read at) and the answer
   * kept over the informer's cache until the informer has it: the next reconcile sees this write
   * even when it starts at once, as it does when the stack watch wakes the grant moments after.
   * Through {@code UpdateControl.patchStatus} it could read the version before the write, find no
   * stack recorded and, its write then refused (409), be retried.
   */
  private static UpdateControl<CrossAccountAccess> patchAndCache(
      CrossAccountAccess resource, Context<CrossAccountAccess> context) {
    PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
        resource, statusOnly(resource, resource.getStatus()), context);
    return UpdateControl.noUpdate();
  }

  /** A resource holding only the name and this status: what a status patch sends. */
  private static CrossAccountAccess statusOnly(
      CrossAccountAccess resource, CrossAccountAccessStatus status) {
    CrossAccountAccess patch = new CrossAccountAccess();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(resource.getMetadata().getName())
            .withNamespace(resource.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    return patch;
  }

  /** A builder starting from the resource's current status, for its current generation. */
  GrantStatusBuilder builder(CrossAccountAccess resource) {
    return new GrantStatusBuilder(
        resource.getStatus(), resource.getMetadata().getGeneration(), clock.instant());
  }

  /** The outcome of a reconcile: a status patch only if something changed. */
  UpdateControl<CrossAccountAccess> reconciled(
      CrossAccountAccess resource,
      GrantStatusBuilder builder,
      Duration next,
      Context<CrossAccountAccess> context) {
    builder.writtenAt(clock.instant());
    CrossAccountAccessStatus after = builder.build();
    metrics.phase(resource.getMetadata().getUid(), after.getPhase());
    if (!changed(resource.getStatus(), after)) {
      return UpdateControl.<CrossAccountAccess>noUpdate().rescheduleAfter(next);
    }
    if (builder.isReady() && !wasEverReady(resource.getStatus())) {
      metrics.firstReady(
          Duration.between(
              Instant.parse(resource.getMetadata().getCreationTimestamp()), clock.instant()));
    }
    CrossAccountAccessStatus before = resource.getStatus();
    apply(resource, after);
    UpdateControl<CrossAccountAccess> written = reconcilePatch.write(resource, context);
    // Events only for a status written, and after it: the user watching the grant sees the new
    // status one API call sooner, and a write that fails (retried) leaves no event behind that the
    // retry would record again.
    events.transitions(resource, before, after);
    return written.rescheduleAfter(next);
  }

  /**
   * A deletion step that is not finished: written directly, since a DeleteControl carries no
   * status. A failed write is not worth failing the deletion over; the next step writes again.
   */
  void deleting(CrossAccountAccess resource, GrantStatusBuilder builder) {
    CrossAccountAccessStatus after = builder.build();
    if (!changed(resource.getStatus(), after)) {
      return;
    }
    events.transitions(resource, resource.getStatus(), after);
    try {
      deletionPatch.accept(statusOnly(resource, after));
    } catch (RuntimeException e) {
      LOG.debugf(
          "status of %s not updated during deletion: %s",
          resource.getMetadata().getName(), e.getMessage());
    }
  }

  /** A grant that is gone: it no longer counts in the phase metric. */
  void removed(CrossAccountAccess resource) {
    metrics.removed(resource.getMetadata().getUid());
  }

  private void apply(CrossAccountAccess resource, CrossAccountAccessStatus after) {
    CrossAccountAccessStatus before = resource.getStatus();
    String revokedBefore = before == null ? null : before.getSessionsRevokedBefore();
    if (after.getSessionsRevokedBefore() != null
        && !after.getSessionsRevokedBefore().equals(revokedBefore)) {
      metrics.sessionsRevoked(
          after.getSessionsRevokedBefore().equals(after.getClosedAt()) ? "expiry" : "annotation");
    }
    resource.setStatus(after);
  }

  private static boolean changed(CrossAccountAccessStatus before, CrossAccountAccessStatus after) {
    return before == null || !Serialization.asJson(before).equals(Serialization.asJson(after));
  }

  /** Whether a status shows the grant was Ready at some point (its verification succeeded once). */
  private static boolean wasEverReady(CrossAccountAccessStatus status) {
    return status != null
        && status.getConditions().stream()
            .anyMatch(
                c ->
                    ConditionType.Ready.name().equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
