package io.xaccess.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events for what a user watching {@code kubectl describe} wants to know: each phase
 * transition and each new problem. Messages come from status, which never holds a secret.
 */
@ApplicationScoped
public class GrantEvents {

  private static final Logger LOG = Logger.getLogger(GrantEvents.class);

  private final KubernetesClient client;

  public GrantEvents(KubernetesClient client) {
    this.client = client;
  }

  /** Emits events for the differences between two statuses of the same resource. */
  public void transitions(
      CrossAccountAccess resource,
      CrossAccountAccessStatus before,
      CrossAccountAccessStatus after) {
    var stalledBefore = condition(before, ConditionType.Stalled);
    var stalledAfter = condition(after, ConditionType.Stalled);
    if (stalledAfter != null
        && "True".equals(stalledAfter.getStatus())
        && (stalledBefore == null
            || !"True".equals(stalledBefore.getStatus())
            || !Objects.equals(stalledBefore.getMessage(), stalledAfter.getMessage()))) {
      emit(resource, "Warning", stalledAfter.getReason(), stalledAfter.getMessage());
    }
    var verifiedBefore = condition(before, ConditionType.AccessVerified);
    var verifiedAfter = condition(after, ConditionType.AccessVerified);
    if (verifiedAfter != null
        && "False".equals(verifiedAfter.getStatus())
        && !Reason.WaitingForStacks.name().equals(verifiedAfter.getReason())
        && (verifiedBefore == null
            || !Objects.equals(verifiedBefore.getMessage(), verifiedAfter.getMessage()))) {
      warning(resource, Reason.VerificationFailed, verifiedAfter.getMessage());
    }
    var approvalBefore = condition(before, ConditionType.ApprovalPending);
    var approvalAfter = condition(after, ConditionType.ApprovalPending);
    if (approvalAfter != null
        && !Reason.PreparingPlan.name().equals(approvalAfter.getReason())
        && (approvalBefore == null
            || !Objects.equals(approvalBefore.getReason(), approvalAfter.getReason())
            || !Objects.equals(approvalBefore.getMessage(), approvalAfter.getMessage()))
        && !(approvalBefore == null
            && Reason.NoPendingPlan.name().equals(approvalAfter.getReason()))) {
      emit(
          resource,
          Reason.ApprovalStale.name().equals(approvalAfter.getReason()) ? "Warning" : "Normal",
          approvalAfter.getReason(),
          approvalAfter.getMessage());
    }
    var driftedBefore = condition(before, ConditionType.Drifted);
    var driftedAfter = condition(after, ConditionType.Drifted);
    if (driftedAfter != null
        && !Reason.NoDrift.name().equals(driftedAfter.getReason())
        && (driftedBefore == null
            || !Objects.equals(driftedBefore.getReason(), driftedAfter.getReason())
            || !Objects.equals(driftedBefore.getMessage(), driftedAfter.getMessage()))) {
      // A drift found (or gone on repair) is worth a line in kubectl describe; a check that
      // finds nothing, or the same drift again, is not.
      emit(
          resource,
          Reason.DriftRepaired.name().equals(driftedAfter.getReason()) ? "Normal" : "Warning",
          driftedAfter.getReason(),
          driftedAfter.getMessage());
    }
    String revokedBefore = before == null ? null : before.getSessionsRevokedBefore();
    if (after.getSessionsRevokedBefore() != null
        && !after.getSessionsRevokedBefore().equals(revokedBefore)) {
      normal(
          resource,
          Reason.SessionsRevoked,
          "the production role now denies every session issued before "
              + after.getSessionsRevokedBefore()
              + (after.getSessionsRevokedBefore().equals(after.getClosedAt())
                  ? " (the grant expired)"
                  : " (annotation " + CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION + ")"));
    }
    // AwaitingApproval is told by the ApprovalPending event above, with the plan.
    if (after.getPhase() != null
        && after.getPhase() != Phase.AwaitingApproval
        && (before == null || before.getPhase() != after.getPhase())) {
      var ready = condition(after, ConditionType.Ready);
      emit(
          resource,
          "Normal",
          after.getPhase().name(),
          ready == null ? after.getPhase().name() : ready.getMessage());
    }
  }

  public void normal(CrossAccountAccess resource, Reason reason, String message) {
    emit(resource, "Normal", reason.name(), message);
  }

  public void warning(CrossAccountAccess resource, Reason reason, String message) {
    emit(resource, "Warning", reason.name(), message);
  }

  /** Records one Event; {@code reason} is a {@link Reason} or a {@link Phase} name. */
  protected void emit(CrossAccountAccess resource, String type, String reason, String message) {
    String now = Instant.now().toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(resource.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName(resource.getMetadata().getName() + ".")
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(resource.getApiVersion())
                          .withKind(resource.getKind())
                          .withName(resource.getMetadata().getName())
                          .withNamespace(resource.getMetadata().getNamespace())
                          .withUid(resource.getMetadata().getUid())
                          .build())
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource("xaccess-operator", null)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      // An event is a courtesy; never fail a reconcile over it.
      LOG.debugf(
          "could not record event %s for %s: %s",
          reason, resource.getMetadata().getName(), e.getMessage());
    }
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      CrossAccountAccessStatus status, ConditionType type) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> type.name().equals(c.getType()))
        .findFirst()
        .orElse(null);
  }
}
