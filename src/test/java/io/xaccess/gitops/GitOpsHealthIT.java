package io.xaccess.gitops;

import static io.xaccess.testing.Grants.has;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.testing.GitOpsHealth;
import io.xaccess.testing.GitOpsHealth.Verdict;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorTestEnvironment;
import io.xaccess.testing.XaccessCrd;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What Argo CD (the chart's Lua health check) and Flux (kstatus) say about every version of a grant
 * the operator writes on a real API server: Progressing/InProgress while it deploys or has not
 * observed a new generation, Healthy/Current only once Ready, Degraded/Failed when stalled,
 * Suspended when suspended, Progressing/Terminating while deleting.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class GitOpsHealthIT {

  @Inject KubernetesClient client;

  @Test
  void aRolloutIsProgressingUntilReadyThenHealthy() throws Exception {
    String ns = XaccessCrd.ensureNamespace(client, "health-rollout");
    List<CrossAccountAccess> versions = record(ns, "rollout");
    create(ns, "rollout", "xaccess-it-health-rollout", "");
    CrossAccountAccess ready = grants().awaitReady(ns, "rollout");

    // Before the operator's first status write: Argo CD waits. (kstatus calls an object without
    // status or conditions Current; the operator writes status in its first reconcile.)
    assertThat(versions).first().satisfies(g -> assertThat(g.getStatus()).isNull());
    assertThat(GitOpsHealth.of(Serialization.asJson(versions.get(0))).argoCd())
        .isEqualTo("Progressing");
    List<CrossAccountAccess> withStatus =
        versions.stream().filter(g -> g.getStatus() != null).toList();
    assertThat(withStatus).as("status versions seen").hasSizeGreaterThan(1);
    for (CrossAccountAccess version : withStatus) {
      Verdict verdict = GitOpsHealth.of(Serialization.asJson(version));
      if (has(version, "Ready", "True")) {
        assertThat(verdict.argoCd()).isEqualTo("Healthy");
        assertThat(verdict.kstatus()).isEqualTo("Current");
      } else {
        assertThat(verdict.argoCd()).as(phase(version)).isEqualTo("Progressing");
        assertThat(verdict.kstatus()).as(phase(version)).isEqualTo("InProgress");
        assertThat(verdict.argoCdMessage()).isNotBlank();
      }
    }
    Verdict last = GitOpsHealth.of(Serialization.asJson(ready));
    assertThat(last.argoCd()).isEqualTo("Healthy");
    assertThat(last.argoCdMessage()).startsWith("AccessVerified: ");

    // A spec change: the API server bumps the generation; until the operator has observed it,
    // both say it is in progress — never the stale Healthy.
    List<CrossAccountAccess> afterChange = record(ns, "rollout");
    CrossAccountAccess changed = ready;
    changed.getSpec().setSessionDuration("30m");
    long generation = client.resource(changed).update().getMetadata().getGeneration();
    grants().awaitReady(ns, "rollout", generation);
    CrossAccountAccess unobserved =
        afterChange.stream()
            .filter(
                g ->
                    g.getMetadata().getGeneration() == generation
                        && g.getStatus().getObservedGeneration() < generation)
            .findFirst()
            .orElseThrow();
    Verdict verdict = GitOpsHealth.of(Serialization.asJson(unobserved));
    assertThat(verdict.argoCd()).isEqualTo("Progressing");
    assertThat(verdict.argoCdMessage()).contains("observe generation " + generation);
    assertThat(verdict.kstatus()).isEqualTo("InProgress");
    assertThat(GitOpsHealth.of(Serialization.asJson(get(ns, "rollout"))).argoCd())
        .isEqualTo("Healthy");
  }

  @Test
  void aStalledGrantIsDegradedWithItsReason() {
    String ns = XaccessCrd.ensureNamespace(client, "health-stalled");
    create(
        ns,
        "stalled",
        "xaccess-it-health-stalled",
        "  trust:\n    externalIdSecretRef: {name: missing-external-id, key: value}\n");
    CrossAccountAccess stalled = grants().awaitCondition(ns, "stalled", "Stalled", "True");
    Verdict verdict = GitOpsHealth.of(Serialization.asJson(stalled));
    assertThat(verdict.argoCd()).isEqualTo("Degraded");
    assertThat(verdict.argoCdMessage())
        .startsWith("SecretNotFound: ")
        .contains("missing-external-id");
    assertThat(verdict.kstatus()).isEqualTo("Failed");

    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("missing-external-id")
                .addToLabels("xaccess.io/secret", "true")
                .endMetadata()
                .withStringData(Map.of("value", "an-external-id-5678"))
                .build())
        .create();
    CrossAccountAccess recovered = grants().awaitReady(ns, "stalled");
    assertThat(GitOpsHealth.of(Serialization.asJson(recovered)).argoCd()).isEqualTo("Healthy");
  }

  @Test
  void aSuspendedGrantIsSuspended() {
    String ns = XaccessCrd.ensureNamespace(client, "health-suspended");
    create(ns, "suspended", "xaccess-it-health-suspended", "  suspend: true\n");
    CrossAccountAccess suspended = grants().awaitCondition(ns, "suspended", "Reconciling", "False");
    Verdict verdict = GitOpsHealth.of(Serialization.asJson(suspended));
    assertThat(verdict.argoCd()).isEqualTo("Suspended");
    assertThat(verdict.argoCdMessage()).startsWith("Suspended: ");
    // kstatus has no notion of suspension: Ready is False, so a Flux health check keeps waiting
    // (and says why) until the grant is resumed.
    assertThat(verdict.kstatus()).isEqualTo("InProgress");
    assertThat(verdict.kstatusMessage()).contains("spec.suspend is true");
  }

  @Test
  void aDeletingGrantIsProgressingAndTerminating() {
    String ns = XaccessCrd.ensureNamespace(client, "health-deleting");
    create(ns, "deleting", "xaccess-it-health-deleting", "");
    CrossAccountAccess ready = grants().awaitReady(ns, "deleting");
    // A second finalizer (another controller's, say) keeps the object visible after the
    // operator has removed its own.
    ready.getMetadata().getFinalizers().add("example.com/hold");
    client.resource(ready).update();
    client.resources(CrossAccountAccess.class).inNamespace(ns).withName("deleting").delete();
    CrossAccountAccess deleting =
        grants()
            .await(
                ns,
                "deleting",
                g -> g.getMetadata().getFinalizers().equals(List.of("example.com/hold")));
    assertThat(deleting.getMetadata().getDeletionTimestamp()).isNotNull();
    Verdict verdict = GitOpsHealth.of(Serialization.asJson(deleting));
    assertThat(verdict.argoCd()).isEqualTo("Progressing");
    assertThat(verdict.argoCdMessage()).startsWith("Deleting");
    assertThat(verdict.kstatus()).isEqualTo("Terminating");

    deleting.getMetadata().setFinalizers(List.of());
    client.resource(deleting).update();
    grants().awaitGone(ns, "deleting");
  }

  /** Every version of the grant the API server sends from now on, in order. */
  private List<CrossAccountAccess> record(String ns, String name) {
    List<CrossAccountAccess> versions = new CopyOnWriteArrayList<>();
    Watch watch =
        client
            .resources(CrossAccountAccess.class)
            .inNamespace(ns)
            .withName(name)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, CrossAccountAccess resource) {
                    versions.add(resource);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    watches.add(watch);
    return versions;
  }

  private final List<Watch> watches = new CopyOnWriteArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void closeWatches() {
    watches.forEach(Watch::close);
    watches.clear();
  }

  private void create(String ns, String name, String bucket, String extraSpec) {
    client
        .resource(
            GrantYaml.of(ns, name)
                .bucket(bucket)
                .role("DevToProdS3Health-" + name)
                .spec(extraSpec)
                .resource())
        .create();
  }

  private Grants grants() {
    return Grants.on(client);
  }

  private CrossAccountAccess get(String ns, String name) {
    return grants().get(ns, name);
  }

  private static String phase(CrossAccountAccess grant) {
    return "phase "
        + grant.getStatus().getPhase()
        + " generation "
        + grant.getMetadata().getGeneration();
  }
}
