package io.xaccess.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import io.xaccess.api.v1alpha1.Phase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tests' own grant helper on the shared API server, no operator: a status written by hand is
 * found, and a wait that times out shows the conditions the grant had.
 */
@ExtendWith(KubeApiServerExtension.class)
class GrantsIT {

  private static final String NAMESPACE = "grants-helper";

  @BeforeAll
  static void grantWithStatus(KubernetesClient client) {
    XaccessCrd.installWithNamespace(client, NAMESPACE);
    client.resource(GrantYaml.of(NAMESPACE, "deploying").resource()).create();
    CrossAccountAccess grant = Grants.on(client).get(NAMESPACE, "deploying");
    CrossAccountAccessStatus status = new CrossAccountAccessStatus();
    status.setObservedGeneration(grant.getMetadata().getGeneration());
    status.setPhase(Phase.DeployingProduction);
    status.setConditions(
        List.of(
            condition("Ready", "False", "StackInProgress", "waiting for the production stack"),
            condition("Reconciling", "True", "StackInProgress", "production stack")));
    grant.setStatus(status);
    client.resource(grant).updateStatus();
  }

  @Test
  void findsConditionsOfTheGrantAsWritten(KubernetesClient client) {
    Grants grants = Grants.on(client);
    CrossAccountAccess grant = grants.awaitCondition(NAMESPACE, "deploying", "Reconciling", "True");

    assertThat(Grants.has(grant, "Ready", "False")).isTrue();
    assertThat(Grants.isTrue(grant, "Ready")).isFalse();
    assertThat(Grants.reason(grant, "Ready")).isEqualTo("StackInProgress");
    assertThat(Grants.message(grant, "Ready")).isEqualTo("waiting for the production stack");
    assertThat(Grants.condition(grant, "Stalled")).isEmpty();
    assertThat(Grants.reason(grant, "Stalled")).isEmpty();
    assertThat(Grants.observed(grant, grant.getMetadata().getGeneration())).isTrue();
    assertThat(grants.awaitCondition(NAMESPACE, "deploying", "Ready", "False", "StackInProgress"))
        .isNotNull();
    assertThat(grants.awaitAll(NAMESPACE, 1, g -> Grants.has(g, "Ready", "False"))).hasSize(1);
    grants.awaitGone(NAMESPACE, "no-such-grant");
  }

  @Test
  void aTimedOutWaitShowsWhatWasAwaitedAndTheConditions(KubernetesClient client) {
    boolean[] reported = {false};
    Grants grants =
        Grants.on(client).within(Duration.ofSeconds(1)).onTimeout(() -> reported[0] = true);

    AssertionError failure =
        catchThrowableOfType(AssertionError.class, () -> grants.awaitReady(NAMESPACE, "deploying"));

    assertThat(failure)
        .hasMessageContaining("grant " + NAMESPACE + "/deploying with Ready=True")
        .hasMessageContaining("phase DeployingProduction")
        .hasMessageContaining("Ready=False (StackInProgress) waiting for the production stack")
        .hasMessageContaining("Reconciling=True (StackInProgress) production stack");
    assertThat(reported[0]).as("the onTimeout report ran").isTrue();
    assertThat(catchThrowableOfType(AssertionError.class, () -> grants.awaitNoneLeft(NAMESPACE)))
        .hasMessageContaining("no grant left in " + NAMESPACE)
        .hasMessageContaining(NAMESPACE + "/deploying: generation 1");
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime("2026-01-01T00:00:00Z")
        .build();
  }
}
