package io.xaccess.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorthReconcilingTest {

  private final WorthReconciling filter = new WorthReconciling();

  @Test
  void theOperatorsOwnStatusWriteDoesNotReconcileAgain() {
    CrossAccountAccess before = grant(3, Map.of(), List.of("xaccess.io/finalizer"));
    CrossAccountAccess after = grant(3, Map.of(), List.of("xaccess.io/finalizer"));
    after.setStatus(new CrossAccountAccessStatus());
    after.getMetadata().setLabels(Map.of("team", "a"));
    assertThat(filter.accept(after, before)).isFalse();
  }

  @Test
  void aSpecChangeReleaseDeletionOrFinalizerChangeDoes() {
    CrossAccountAccess before = grant(3, Map.of(), List.of("xaccess.io/finalizer"));
    assertThat(filter.accept(grant(4, Map.of(), List.of("xaccess.io/finalizer")), before)).isTrue();
    assertThat(
            filter.accept(
                grant(
                    3,
                    Map.of(GrantTeardown.RELEASE_ANNOTATION, "true"),
                    List.of("xaccess.io/finalizer")),
                before))
        .isTrue();
    CrossAccountAccess deleting = grant(3, Map.of(), List.of("xaccess.io/finalizer"));
    deleting.getMetadata().setDeletionTimestamp("2026-11-28T23:00:00Z");
    assertThat(filter.accept(deleting, before)).isTrue();
    assertThat(filter.accept(grant(3, Map.of(), List.of()), before)).isTrue();
    assertThat(
            filter.accept(grant(3, Map.of("note", "x"), List.of("xaccess.io/finalizer")), before))
        .isFalse();
  }

  @Test
  void anApprovalSetOrChangedDoes() {
    CrossAccountAccess before = grant(3, Map.of(), List.of("xaccess.io/finalizer"));
    CrossAccountAccess approved =
        grant(
            3,
            Map.of(CrossAccountAccess.APPROVE_PLAN_ANNOTATION, "abc"),
            List.of("xaccess.io/finalizer"));
    assertThat(filter.accept(approved, before)).isTrue();
    assertThat(filter.accept(approved, approved)).isFalse();
    assertThat(filter.accept(before, approved)).isTrue();
  }

  @Test
  void aDriftCheckRequestSetOrChangedDoes() {
    CrossAccountAccess before = grant(3, Map.of(), List.of("xaccess.io/finalizer"));
    CrossAccountAccess asked =
        grant(
            3,
            Map.of(CrossAccountAccess.CHECK_DRIFT_ANNOTATION, "1"),
            List.of("xaccess.io/finalizer"));
    CrossAccountAccess askedAgain =
        grant(
            3,
            Map.of(CrossAccountAccess.CHECK_DRIFT_ANNOTATION, "2"),
            List.of("xaccess.io/finalizer"));
    assertThat(filter.accept(asked, before)).isTrue();
    assertThat(filter.accept(askedAgain, asked)).isTrue();
    assertThat(filter.accept(asked, asked)).isFalse();
  }

  private static CrossAccountAccess grant(
      long generation, Map<String, String> annotations, List<String> finalizers) {
    CrossAccountAccess grant = new CrossAccountAccess();
    grant.setMetadata(
        new ObjectMetaBuilder()
            .withName("g")
            .withNamespace("ns")
            .withGeneration(generation)
            .withAnnotations(annotations)
            .withFinalizers(finalizers)
            .build());
    return grant;
  }
}
