package io.xaccess.reconciler;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a grant start a reconcile: a new generation (the spec changed), the release, the
 * revoke-sessions-before, approve-plan or check-drift annotation set, changed or cleared, deletion
 * requested, or the finalizers changed. Not the operator's own status writes, nor labels or other
 * annotations — so nothing loops on itself, yet releasing a stuck grant takes effect at once (the
 * generation alone would not change for it).
 */
public class WorthReconciling implements OnUpdateFilter<CrossAccountAccess> {

  @Override
  public boolean accept(CrossAccountAccess updated, CrossAccountAccess previous) {
    return !Objects.equals(
            updated.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
        || !Objects.equals(release(updated), release(previous))
        || !Objects.equals(
            annotation(updated, CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION),
            annotation(previous, CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION))
        || !Objects.equals(
            annotation(updated, CrossAccountAccess.APPROVE_PLAN_ANNOTATION),
            annotation(previous, CrossAccountAccess.APPROVE_PLAN_ANNOTATION))
        || !Objects.equals(
            annotation(updated, CrossAccountAccess.CHECK_DRIFT_ANNOTATION),
            annotation(previous, CrossAccountAccess.CHECK_DRIFT_ANNOTATION))
        || (updated.isMarkedForDeletion() && !previous.isMarkedForDeletion())
        || !Objects.equals(
            updated.getMetadata().getFinalizers(), previous.getMetadata().getFinalizers());
  }

  private static String release(CrossAccountAccess grant) {
    return annotation(grant, GrantTeardown.RELEASE_ANNOTATION);
  }

  private static String annotation(CrossAccountAccess grant, String name) {
    Map<String, String> annotations = grant.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(name);
  }
}
