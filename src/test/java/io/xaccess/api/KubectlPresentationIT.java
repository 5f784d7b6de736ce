package io.xaccess.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.VerificationResult;
import io.xaccess.testing.KubeApiServerExtension;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.XaccessCrd;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What users see with kubectl get and kubectl explain, from the real API server. */
@ExtendWith(KubeApiServerExtension.class)
class KubectlPresentationIT {

  private static final String NAMESPACE = "presentation";

  /** status.expiresAt of the ttl grant (8h after its first Ready) and of the expired one. */
  private static final String TTL_END =
      Instant.now().plus(8, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();

  private static final String EXPIRED_END = "2026-01-31T18:00:00Z";

  @BeforeAll
  static void createGrantWithStatus(KubernetesClient client, LocalKubeApiServer server) {
    XaccessCrd.installWithNamespace(client, NAMESPACE);
    new Kubectl(server).succeed("apply", "-n", NAMESPACE, "-f", "examples/basic.yaml");
    CrossAccountAccess grant =
        client.resources(CrossAccountAccess.class).inNamespace(NAMESPACE).withName("basic").get();
    readyStatus(client, grant, null);

    // The same grant with an end, as the operator reports it: a ttl grant that is Ready (its end
    // counted from the first Ready), and one whose expiresAt has passed.
    CrossAccountAccess ttl = timeBoxed(grant, "basic-ttl");
    ttl.getSpec().setTtl("8h");
    readyStatus(client, client.resource(ttl).create(), TTL_END);
    CrossAccountAccess ended = timeBoxed(grant, "basic-expired");
    ended.getSpec().setExpiresAt(EXPIRED_END);
    ended = client.resource(ended).create();
    CrossAccountAccessStatus expired = new CrossAccountAccessStatus();
    expired.setObservedGeneration(ended.getMetadata().getGeneration());
    expired.setPhase(Phase.Expired);
    expired.setExpiresAt(EXPIRED_END);
    expired.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus("False")
                .withReason("Expired")
                .withMessage("the grant expired at " + EXPIRED_END)
                .withLastTransitionTime(EXPIRED_END)
                .build()));
    ended.setStatus(expired);
    client.resource(ended).updateStatus();
  }

  private static CrossAccountAccess timeBoxed(CrossAccountAccess base, String name) {
    CrossAccountAccess copy = Serialization.clone(base);
    copy.setStatus(null);
    copy.getMetadata().setName(name);
    copy.getMetadata().setResourceVersion(null);
    copy.getMetadata().setUid(null);
    copy.getMetadata().setCreationTimestamp(null);
    copy.getMetadata().setManagedFields(null);
    copy.getMetadata().setAnnotations(null);
    return copy;
  }

  /** A Ready, verified status as the operator writes it, with {@code expiresAt} (or none). */
  private static void readyStatus(
      KubernetesClient client, CrossAccountAccess grant, String expiresAt) {
    CrossAccountAccessStatus status = new CrossAccountAccessStatus();
    status.setObservedGeneration(grant.getMetadata().getGeneration());
    status.setPhase(Phase.Ready);
    status.setExpiresAt(expiresAt);
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Condition ready =
        new ConditionBuilder()
            .withType("Ready")
            .withStatus("True")
            .withReason("AccessVerified")
            .withMessage("verified")
            .withLastTransitionTime(now)
            .build();
    status.setConditions(List.of(ready));
    VerificationResult verification = new VerificationResult();
    verification.setTime(now);
    verification.setResult("Succeeded");
    status.setPermittedBy("xaccess-tests-open");
    status.setLastVerification(verification);
    grant.setStatus(status);
    client.resource(grant).updateStatus();
  }

  @Test
  void getShowsThePrinterColumnsInOrder(LocalKubeApiServer server) {
    String table = new Kubectl(server).succeed("get", "xaa", "-n", NAMESPACE);

    List<String> lines = table.lines().toList();
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly(
            "NAME",
            "PRODUCTION",
            "DEVELOPMENT",
            "BUCKET",
            "READY",
            "PHASE",
            "VERIFIED",
            "EXPIRES",
            "AGE");
    assertThat(row(lines, "basic").split("\\s+"))
        .startsWith(
            "basic", "111111111111", "222222222222", "xaccess-example-basic", "True", "Ready");
  }

  @Test
  void expiresShowsTheEndOfATimeBoxedGrant(LocalKubeApiServer server) {
    List<String> lines =
        new Kubectl(server).succeed("get", "xaa", "-n", NAMESPACE).lines().toList();

    // The time itself, also while it is still to come (a date column would print <invalid>).
    assertThat(cell(lines, "basic-ttl", "EXPIRES")).isEqualTo(TTL_END);
    assertThat(cell(lines, "basic-ttl", "PHASE")).isEqualTo("Ready");
    assertThat(cell(lines, "basic-expired", "EXPIRES")).isEqualTo(EXPIRED_END);
    assertThat(cell(lines, "basic-expired", "READY")).isEqualTo("False");
    assertThat(cell(lines, "basic-expired", "PHASE")).isEqualTo("Expired");
    // Without an end the column is empty.
    assertThat(cell(lines, "basic", "EXPIRES")).isEmpty();
  }

  /** The table line of grant {@code name}. */
  private static String row(List<String> lines, String name) {
    return lines.stream()
        .filter(l -> l.startsWith(name + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + name + " in\n" + lines));
  }

  /** A cell of kubectl's aligned table: from its header's column to the next header's. */
  private static String cell(List<String> lines, String name, String column) {
    String header = lines.get(0);
    int start = header.indexOf(column);
    assertThat(start).as("column " + column).isNotNegative();
    java.util.regex.Matcher next =
        java.util.regex.Pattern.compile(" [A-Z]").matcher(header).region(start, header.length());
    String line = row(lines, name);
    int end = next.find() ? next.start() + 1 : line.length();
    return line.substring(Math.min(start, line.length()), Math.min(end, line.length())).strip();
  }

  @Test
  void wideOutputAddsTheVerificationResult(LocalKubeApiServer server) {
    String table =
        new Kubectl(server).succeed("get", "crossaccountaccesses", "-n", NAMESPACE, "-o", "wide");

    assertThat(table.lines().findFirst().orElseThrow()).contains("RESULT").contains("POLICY");
    assertThat(table).contains("Succeeded").contains("xaccess-tests-open");
  }

  @Test
  void theCategoryListsGrants(LocalKubeApiServer server) {
    assertThat(new Kubectl(server).succeed("get", "xaccess", "-n", NAMESPACE, "-o", "name"))
        .contains("crossaccountaccess.xaccess.io/basic");
  }

  @Test
  void explainShowsTheFieldDescriptions(LocalKubeApiServer server) {
    Kubectl kubectl = new Kubectl(server);
    // The API server publishes a new CRD's OpenAPI a moment after it is established.
    Awaitility.await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> kubectl.run("explain", "crossaccountaccess.spec.trust").exitCode() == 0);

    String trust = kubectl.succeed("explain", "crossaccountaccess.spec.trust");
    assertThat(trust)
        .contains("Conditions a development principal must meet")
        .contains("requireMfa")
        .contains("aws:MultiFactorAuthPresent")
        .contains("externalIdSecretRef");
    assertThat(kubectl.succeed("explain", "crossaccountaccess"))
        .contains("short-lived access from a development AWS account");
    assertThat(kubectl.succeed("explain", "crossaccountaccess.spec.bucket.deletionPolicy"))
        .contains("objects are never deleted");
  }
}
