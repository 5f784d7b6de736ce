package io.xaccess.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.VerificationResult;
import io.xaccess.testing.KubeApiServerExtension;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.XaccessCrd;
import java.time.Duration;
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

  /** A time-boxed grant's end, still to come. */
  private static final String EXPIRES_AT =
      Instant.now().plus(Duration.ofHours(8)).truncatedTo(ChronoUnit.SECONDS).toString();

  @BeforeAll
  static void createGrantWithStatus(KubernetesClient client, LocalKubeApiServer server) {
    XaccessCrd.installWithNamespace(client, NAMESPACE);
    new Kubectl(server).succeed("apply", "-n", NAMESPACE, "-f", "examples/basic.yaml");

    CrossAccountAccess grant =
        client.resources(CrossAccountAccess.class).inNamespace(NAMESPACE).withName("basic").get();
    CrossAccountAccessStatus status = new CrossAccountAccessStatus();
    status.setObservedGeneration(grant.getMetadata().getGeneration());
    status.setPhase(Phase.Ready);
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
    status.setExpiresAt(EXPIRES_AT);
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
    assertThat(lines.get(1).split("\\s+"))
        .startsWith(
            "basic", "111111111111", "222222222222", "xaccess-example-basic", "True", "Ready");
  }

  @Test
  void anExpiryStillToComeIsShownAsItsTime(LocalKubeApiServer server) {
    // A date column would show its age: "<invalid>" for a time in the future.
    String table = new Kubectl(server).succeed("get", "xaa", "-n", NAMESPACE);

    assertThat(table.lines().skip(1).findFirst().orElseThrow().split("\\s+"))
        .contains(EXPIRES_AT)
        .doesNotContain("<invalid>");
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
