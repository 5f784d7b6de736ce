package io.xaccess.gitops;

import static io.xaccess.testing.Grants.has;
import static io.xaccess.testing.Grants.message;
import static io.xaccess.testing.Grants.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.testing.GitOpsHealth;
import io.xaccess.testing.GitOpsHealth.Verdict;
import io.xaccess.testing.GrantVersions;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorTestEnvironment;
import io.xaccess.testing.XaccessCrd;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What Argo CD (the chart's Lua health check) and Flux (kstatus) say about every version of a grant
 * the operator writes on a real API server: Progressing/InProgress while it deploys or has not
 * observed a new generation, Healthy/Current only once Ready, Degraded/Failed when stalled,
 * Suspended when suspended, Progressing/Terminating while deleting; for a time-boxed grant
 * Suspended/InProgress once expired (intended, not broken), Progressing/InProgress while closing,
 * Healthy/Current with revoked sessions, Degraded/Failed for a malformed revocation.
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
    // On the emulator each stack is done at once and the grant is Ready with its first status
    // write; the deploying versions, while stacks take seconds, are judged in StackWatchIT.
    assertThat(withStatus).as("status versions seen").isNotEmpty();
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
    CrossAccountAccess unobserved = firstUnobserved(afterChange, generation);
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

  @Test
  void anExpiredGrantIsSuspendedAndARenewalMakesItHealthyAgain() {
    String ns = XaccessCrd.ensureNamespace(client, "health-expired");
    List<CrossAccountAccess> versions = record(ns, "expiring");
    // The ttl counts from the first Ready, so the grant is Ready before it ends.
    create(ns, "expiring", "xaccess-it-health-expiring", "  ttl: 3s\n");
    CrossAccountAccess expired =
        grants()
            .within(Duration.ofSeconds(150))
            .await(ns, "expiring", g -> g.getStatus().getPhase() == Phase.Expired);
    String expiresAt = expired.getStatus().getExpiresAt();
    assertThat(expiresAt).isNotNull();

    Verdict verdict = GitOpsHealth.of(Serialization.asJson(expired));
    assertThat(verdict.argoCd()).isEqualTo("Suspended");
    assertThat(verdict.argoCdMessage())
        .startsWith("Expired: the grant expired at " + expiresAt)
        .contains("Set spec.expiresAt or spec.ttl later to renew");
    // kstatus knows no "ended on purpose": Ready is False, neither Reconciling nor Stalled is
    // True, so it is InProgress — a Flux health check waits, with the expiry as its message.
    assertThat(verdict.kstatus()).isEqualTo("InProgress");
    assertThat(verdict.kstatusMessage()).contains("the grant expired at " + expiresAt);

    // The way there: Healthy while open, Progressing while the access is being closed,
    // Suspended once closed.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> versions.stream().anyMatch(GitOpsHealthIT::expired));
    List<String> seen = new ArrayList<>();
    for (CrossAccountAccess version : versions) {
      if (version.getStatus() == null
          || version.getStatus().getObservedGeneration() < version.getMetadata().getGeneration()) {
        continue;
      }
      Verdict v = GitOpsHealth.of(Serialization.asJson(version));
      String stage;
      if (has(version, "Ready", "True")) {
        stage = "open";
        assertThat(v.argoCd()).as(phase(version)).isEqualTo("Healthy");
        assertThat(v.kstatus()).as(phase(version)).isEqualTo("Current");
      } else if ("Closing".equals(reason(version, "Ready"))) {
        stage = "closing";
        assertThat(v.argoCd()).as(phase(version)).isEqualTo("Progressing");
        assertThat(v.argoCdMessage()).contains("closing the access");
        assertThat(v.kstatus()).as(phase(version)).isEqualTo("InProgress");
      } else if (expired(version)) {
        stage = "expired";
        assertThat(v.argoCd()).as(phase(version)).isEqualTo("Suspended");
        assertThat(v.kstatus()).as(phase(version)).isEqualTo("InProgress");
      } else {
        stage = "deploying";
        assertThat(v.argoCd()).as(phase(version)).isEqualTo("Progressing");
        assertThat(v.kstatus()).as(phase(version)).isEqualTo("InProgress");
      }
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(stage)) {
        seen.add(stage);
      }
    }
    assertThat(seen).containsSubsequence("open", "closing", "expired");
    assertThat(seen).endsWith("expired");

    // Renewal: until the operator observes the edit, Progressing — never the stale Suspended;
    // then Healthy, saying that the sessions from before the expiry stay revoked.
    List<CrossAccountAccess> afterRenewal = record(ns, "expiring");
    CrossAccountAccess renew = get(ns, "expiring");
    renew.getSpec().setTtl("1h");
    long generation = client.resource(renew).update().getMetadata().getGeneration();
    CrossAccountAccess renewed = grants().awaitReady(ns, "expiring", generation);
    CrossAccountAccess unobserved = firstUnobserved(afterRenewal, generation);
    assertThat(expired(unobserved)).as("still the expired status").isTrue();
    Verdict pending = GitOpsHealth.of(Serialization.asJson(unobserved));
    assertThat(pending.argoCd()).isEqualTo("Progressing");
    assertThat(pending.kstatus()).isEqualTo("InProgress");
    Verdict healthy = GitOpsHealth.of(Serialization.asJson(renewed));
    assertThat(healthy.argoCd()).isEqualTo("Healthy");
    assertThat(healthy.argoCdMessage())
        .startsWith("AccessVerified: ")
        .endsWith("; sessions issued before " + expired.getStatus().getClosedAt() + " are revoked");
    assertThat(healthy.kstatus()).isEqualTo("Current");
  }

  @Test
  void aSuspendedGrantPastItsEndIsClosedThenSuspendedWithTheExpiry() {
    String ns = XaccessCrd.ensureNamespace(client, "health-expired-suspended");
    String end =
        Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS).toString();
    create(
        ns,
        "paused",
        "xaccess-it-health-paused",
        "  suspend: true\n  expiresAt: \"" + end + "\"\n");
    CrossAccountAccess expired =
        grants()
            .within(Duration.ofSeconds(150))
            .await(ns, "paused", g -> g.getStatus().getPhase() == Phase.Expired);

    // Suspension pauses changes, not the end: the access is closed (on the emulator at once; the
    // versions while closing, Progressing, are judged in StackWatchIT where stacks take seconds).
    // Closed: Suspended, and the message is the expiry's, not the suspension's.
    Verdict verdict = GitOpsHealth.of(Serialization.asJson(expired));
    assertThat(verdict.argoCd()).isEqualTo("Suspended");
    assertThat(verdict.argoCdMessage()).startsWith("Expired: the grant expired at " + end);
    assertThat(verdict.kstatus()).isEqualTo("InProgress");
  }

  @Test
  void revokedSessionsKeepAGrantHealthyAndAMalformedRevocationIsDegraded() {
    String ns = XaccessCrd.ensureNamespace(client, "health-revoked");
    create(ns, "revoked", "xaccess-it-health-revoked", "");
    grants().awaitReady(ns, "revoked");

    String bound = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    List<CrossAccountAccess> versions = record(ns, "revoked");
    revokeSessionsBefore(ns, "revoked", bound);
    CrossAccountAccess revoked =
        grants()
            .await(
                ns,
                "revoked",
                g ->
                    bound.equals(g.getStatus().getSessionsRevokedBefore())
                        && has(g, "Ready", "True"));
    Verdict verdict = GitOpsHealth.of(Serialization.asJson(revoked));
    assertThat(verdict.argoCd()).isEqualTo("Healthy");
    assertThat(verdict.argoCdMessage())
        .startsWith("AccessVerified: ")
        .endsWith("; sessions issued before " + bound + " are revoked");
    assertThat(verdict.kstatus()).isEqualTo("Current");
    // On the way (the role's deny deployed, access proven again with a new session) it is
    // Progressing whenever it is not Ready.
    for (CrossAccountAccess version : versions) {
      Verdict v = GitOpsHealth.of(Serialization.asJson(version));
      if (has(version, "Ready", "True")) {
        assertThat(v.argoCd()).as(phase(version)).isEqualTo("Healthy");
        assertThat(v.kstatus()).isEqualTo("Current");
      } else {
        assertThat(v.argoCd()).as(phase(version)).isEqualTo("Progressing");
        assertThat(v.kstatus()).isEqualTo("InProgress");
      }
    }

    // A bound that is not a time: nothing is revoked, the user must fix it — Degraded / Failed.
    revokeSessionsBefore(ns, "revoked", "yesterday");
    CrossAccountAccess invalid =
        grants().awaitCondition(ns, "revoked", "Stalled", "True", "RevocationInvalid");
    Verdict degraded = GitOpsHealth.of(Serialization.asJson(invalid));
    assertThat(degraded.argoCd()).isEqualTo("Degraded");
    assertThat(degraded.argoCdMessage()).startsWith("RevocationInvalid: ").contains("yesterday");
    assertThat(degraded.kstatus()).isEqualTo("Failed");
    assertThat(degraded.kstatusMessage()).contains("is not an RFC 3339 time");

    // A bound still to come: the proof of access waits for it (a session issued now would be
    // denied) — Progressing / InProgress, for as long as it waits (ten minutes here).
    String later =
        Instant.now().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS).toString();
    revokeSessionsBefore(ns, "revoked", later);
    CrossAccountAccess waiting =
        grants()
            .await(
                ns,
                "revoked",
                g -> has(g, "Reconciling", "True") && message(g, "Ready").contains("waits until"));
    assertThat(waiting.getStatus().getSessionsRevokedBefore()).isEqualTo(later);
    Verdict progressing = GitOpsHealth.of(Serialization.asJson(waiting));
    assertThat(progressing.argoCd()).isEqualTo("Progressing");
    assertThat(progressing.argoCdMessage()).contains("waits until " + later);
    assertThat(progressing.kstatus()).isEqualTo("InProgress");

    // Back to a past bound: Ready and Healthy again.
    revokeSessionsBefore(ns, "revoked", bound);
    CrossAccountAccess fixed =
        grants()
            .await(
                ns,
                "revoked",
                g ->
                    has(g, "Stalled", "False")
                        && has(g, "Ready", "True")
                        && bound.equals(g.getStatus().getSessionsRevokedBefore()));
    assertThat(GitOpsHealth.of(Serialization.asJson(fixed)).argoCd()).isEqualTo("Healthy");
  }

  private void revokeSessionsBefore(String ns, String name, String value) {
    client
        .resources(CrossAccountAccess.class)
        .inNamespace(ns)
        .withName(name)
        .edit(
            g -> {
              g.getMetadata()
                  .getAnnotations()
                  .put(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, value);
              return g;
            });
  }

  private static boolean expired(CrossAccountAccess grant) {
    return has(grant, "Ready", "False") && "Expired".equals(reason(grant, "Ready"));
  }

  /** Every version of the grant the API server sends from now on, in order. */
  private List<CrossAccountAccess> record(String ns, String name) {
    if (recorder == null) {
      recorder = new GrantVersions(client);
    }
    return recorder.record(ns, name);
  }

  private GrantVersions recorder;

  @org.junit.jupiter.api.AfterEach
  void closeWatches() {
    if (recorder != null) {
      recorder.close();
    }
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

  /** The first version seen of generation {@code generation} whose status is still an older one. */
  private static CrossAccountAccess firstUnobserved(
      List<CrossAccountAccess> versions, long generation) {
    return versions.stream()
        .filter(
            g ->
                g.getMetadata().getGeneration() == generation
                    && g.getStatus().getObservedGeneration() < generation)
        .findFirst()
        .orElseThrow();
  }
}
