package io.xaccess.lifetime;

import static io.xaccess.testing.Grants.has;
import static io.xaccess.testing.Grants.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorTestEnvironment;
import io.xaccess.testing.XaccessCrd;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * A grant with a ttl of seconds on a real API server and moto: verified before its end; at the end,
 * with no other event, closed in AWS — read back from moto, never through the operator — and
 * reported Expired; renewed by an edit, verified and Ready again; then its sessions revoked by the
 * annotation without ending it; and deleted as any other grant.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class TimeBoxedGrantIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUNNER = "timebox-runner";

  @Inject KubernetesClient client;

  @Test
  void aTtlGrantExpiresOnTimeIsClosedInAwsAndRenewsByAnEdit() throws Exception {
    String ns = XaccessCrd.ensureNamespace(client, "timebox");
    IamClient devIam = OperatorTestEnvironment.accounts().development().iam();
    IamClient prodIam = OperatorTestEnvironment.accounts().production().iam();
    // A listed principal, so the assume policy is attached to someone.
    devIam.createRole(
        r ->
            r.roleName(RUNNER)
                .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}"));
    String role = "DevToProdS3Publisher-timebox";
    client
        .resource(
            GrantYaml.of(ns, "jit")
                .bucket("xaccess-it-timebox")
                .role(role)
                .development("    principals: [arn:aws:iam::222222222222:role/" + RUNNER + "]\n")
                .spec("  ttl: 25s\n")
                .resource())
        .create();

    // Before the end: Ready, verified, open.
    CrossAccountAccess ready = grants().awaitReady(ns, "jit");
    Instant firstReady = Instant.parse(ready.getStatus().getFirstReadyTime());
    Instant expiresAt = Instant.parse(ready.getStatus().getExpiresAt());
    assertThat(expiresAt).isEqualTo(firstReady.plusSeconds(25));
    assertThat(ready.getStatus().getLastVerification().getResult()).isEqualTo("Succeeded");
    assertThat(DeployedStacks.allowStatements(trust(prodIam, role))).hasSize(2);
    String assumePolicyArn = ready.getStatus().getDevelopment().getAssumePolicyArn();
    assertThat(attachedTo(devIam, RUNNER)).containsExactly(assumePolicyArn);

    // The end, reached with no edit or other event: the operator scheduled it.
    CrossAccountAccess expired =
        grants()
            .within(Duration.ofSeconds(90))
            .await(ns, "jit", g -> g.getStatus().getPhase() == Phase.Expired);
    Instant closedAt = Instant.parse(expired.getStatus().getClosedAt());
    assertThat(closedAt).isBetween(expiresAt, expiresAt.plusSeconds(5));
    assertThat(has(expired, "Ready", "False")).isTrue();
    assertThat(reason(expired, "Ready")).isEqualTo("Expired");
    assertThat(has(expired, "Stalled", "False")).isTrue();
    assertThat(has(expired, "Reconciling", "False")).isTrue();
    assertThat(expired.getStatus().getSessionsRevokedBefore()).isEqualTo(closedAt.toString());

    // In AWS, read from moto: the stacks were updated to the closed configuration. moto stores
    // the parameters of an update but applies none of what they switch by condition (MOTO.md), so
    // the documents CloudFormation applies are rendered from the parameters moto holds.
    // The development assume permission is gone: the managed policy (with its attachments) and
    // the verifier's and assumer's permission to assume the production role.
    deployed(ns, "jit").assertClosed(closedAt.toString());
    assertThat(expired.getStatus().getDevelopment().getAssumePolicyArn()).isNull();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(events(ns, "jit")).contains("Expired", "SessionsRevoked"));

    // Renewal by an edit: open again, proven with a new session, Ready.
    CrossAccountAccess renew = grants().get(ns, "jit");
    renew.getSpec().setTtl("1h");
    long generation = client.resource(renew).update().getMetadata().getGeneration();
    CrossAccountAccess renewed = grants().awaitReady(ns, "jit", generation);
    assertThat(Instant.parse(renewed.getStatus().getLastVerification().getTime()))
        .isAfterOrEqualTo(closedAt);
    assertThat(renewed.getStatus().getExpiresAt())
        .isEqualTo(firstReady.plus(Duration.ofHours(1)).toString());
    DeployedStacks reopened = deployed(ns, "jit");
    assertThat(reopened.trustAllows()).hasSize(2);
    // The development stack is not checked here: moto answers a change set whose parameters
    // equal the stack's creation parameters with "no changes" (MOTO.md), and those of the reopened
    // development stack are exactly that. GrantLifetimeTest checks what the operator sends.
    assertThat(reopened.revocationBound())
        .as("sessions from before the expiry stay revoked")
        .isEqualTo(closedAt.toString());
    assertThat(reopened.prod().exists("ExpiredSessionsPolicy")).isFalse();

    // Leaked credentials: revoke every session issued until now, without ending the grant.
    Instant revokeBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    CrossAccountAccess annotated = grants().get(ns, "jit");
    annotated
        .getMetadata()
        .setAnnotations(
            Map.of(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, revokeBefore.toString()));
    client.resource(annotated).update();
    CrossAccountAccess revoked =
        grants()
            .await(
                ns,
                "jit",
                g ->
                    revokeBefore.toString().equals(g.getStatus().getSessionsRevokedBefore())
                        && has(g, "Ready", "True")
                        && !Instant.parse(g.getStatus().getLastVerification().getTime())
                            .isBefore(revokeBefore));
    DeployedStacks revokedStacks = deployed(ns, "jit");
    assertThat(revokedStacks.revocationBound()).isEqualTo(revokeBefore.toString());
    assertThat(revokedStacks.production().get("AccessOpen")).isEqualTo("true");
    assertThat(revoked.getStatus().getPhase()).isEqualTo(Phase.Ready);

    // Deletion works as for any other grant.
    client.resource(revoked).delete();
    grants().awaitGone(ns, "jit");
    assertThat(
            OperatorTestEnvironment.stackExists(
                OperatorTestEnvironment.productionCfn(), StackNames.production(ns, "jit")))
        .isFalse();
  }

  private static JsonNode trust(IamClient iam, String role) throws Exception {
    return document(iam.getRole(r -> r.roleName(role)).role().assumeRolePolicyDocument());
  }

  /** Both stacks as moto holds them. */
  private static DeployedStacks deployed(String ns, String name) throws Exception {
    return DeployedStacks.read(
        OperatorTestEnvironment.productionCfn(),
        OperatorTestEnvironment.developmentCfn(),
        ns,
        name);
  }

  private static List<String> attachedTo(IamClient iam, String role) {
    return iam.listAttachedRolePolicies(r -> r.roleName(role)).attachedPolicies().stream()
        .map(p -> p.policyArn())
        .toList();
  }

  /** IAM returns documents URL-encoded (moto too). */
  private static JsonNode document(String encoded) throws Exception {
    String text =
        encoded.trim().startsWith("{")
            ? encoded
            : URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    return JSON.readTree(text);
  }

  private List<String> events(String ns, String name) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }

  private Grants grants() {
    return Grants.on(client);
  }
}
