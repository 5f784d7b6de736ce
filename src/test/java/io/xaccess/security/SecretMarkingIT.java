package io.xaccess.security;

import static io.xaccess.testing.Grants.condition;
import static io.xaccess.testing.Grants.has;
import static io.xaccess.testing.Grants.observed;
import static io.xaccess.testing.OperatorTestEnvironment.accounts;
import static io.xaccess.testing.OperatorTestEnvironment.productionCfn;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.SecretKeySelector;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorTestEnvironment;
import io.xaccess.testing.XaccessCrd;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.model.Parameter;

/**
 * A grant can use only Secrets marked {@code xaccess.io/secret: "true"}: pointed at a database
 * password of its namespace, it stalls with {@code SecretNotMarked}, and the password reaches
 * neither the production role's trust policy (read from moto) nor the stack, status or events —
 * until someone marks the Secret for xaccess.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class SecretMarkingIT {

  private static final String GRANT_EXTERNAL_ID = "marked-grant-external-id-5e1c";

  /** A valid external id too: were it used, it would land in the trust policy. */
  private static final String DATABASE_PASSWORD = "db-password-4f7a9c0e2b81";

  private static final String ROLE = "DevToProdS3Publisher-secret-marking";

  @Inject KubernetesClient client;

  @Test
  void anUnmarkedSecretIsNeverUsed() {
    String ns = XaccessCrd.ensureNamespace(client, "sec-marking");
    secret(ns, "grant-external-id", "value", GRANT_EXTERNAL_ID, true);
    secret(ns, "database", "password", DATABASE_PASSWORD, false);
    client
        .resource(
            GrantYaml.of(ns, "marking")
                .bucket("xaccess-it-secret-marking")
                .role(ROLE)
                .spec("  trust:\n    externalIdSecretRef: {name: grant-external-id, key: value}\n")
                .resource())
        .create();
    CrossAccountAccess ready = grants().awaitReady(ns, "marking");
    String stackName = ready.getStatus().getProduction().getStackName();
    // The marked Secret's value is what the trust policy requires: the reading below sees it.
    assertThat(trustPolicy()).contains(GRANT_EXTERNAL_ID);

    CrossAccountAccess grant = grants().get(ns, "marking");
    grant
        .getSpec()
        .getTrust()
        .setExternalIdSecretRef(new SecretKeySelector("database", "password"));
    long generation = client.resource(grant).update().getMetadata().getGeneration();

    CrossAccountAccess stalled =
        grants().await(ns, "marking", g -> observed(g, generation) && has(g, "Stalled", "True"));
    Condition condition = condition(stalled, "Stalled").orElseThrow();
    assertThat(condition.getReason()).isEqualTo("SecretNotMarked");
    assertThat(condition.getMessage())
        .contains("Secret " + ns + "/database")
        .contains("spec.trust.externalIdSecretRef")
        .contains("kubectl label secret -n " + ns + " database xaccess.io/secret=true");
    // Several re-checks later (every 2 s here), nothing of the password has reached AWS.
    sleepSeconds(6);
    assertThat(trustPolicy()).contains(GRANT_EXTERNAL_ID).doesNotContain(DATABASE_PASSWORD);
    assertThat(externalIdParameter(stackName)).isEqualTo(GRANT_EXTERNAL_ID);
    assertThat(Serialization.asYaml(grants().get(ns, "marking"))).doesNotContain(DATABASE_PASSWORD);
    assertThat(Serialization.asYaml(client.v1().events().inNamespace(ns).list()))
        .doesNotContain(DATABASE_PASSWORD);

    // Marked for xaccess, the same Secret is used: the grant resumes on its own.
    client
        .secrets()
        .inNamespace(ns)
        .withName("database")
        .edit(s -> new SecretBuilder(s).editMetadata().addToLabels(MARK).endMetadata().build());
    grants().awaitReady(ns, "marking", generation);
    assertThat(externalIdParameter(stackName)).isEqualTo(DATABASE_PASSWORD);
  }

  private static final Map<String, String> MARK = Map.of("xaccess.io/secret", "true");

  private void secret(String ns, String name, String key, String value, boolean marked) {
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(marked ? MARK : Map.of("app", "database"))
                .endMetadata()
                .withStringData(Map.of(key, value))
                .build())
        .create();
  }

  /** The production role's trust policy as IAM holds it (moto, not the operator's view). */
  private static String trustPolicy() {
    String document =
        accounts()
            .production()
            .iam()
            .getRole(r -> r.roleName(ROLE))
            .role()
            .assumeRolePolicyDocument();
    return URLDecoder.decode(document, StandardCharsets.UTF_8);
  }

  private static String externalIdParameter(String stackName) {
    return productionCfn()
        .describeStacks(r -> r.stackName(stackName))
        .stacks()
        .get(0)
        .parameters()
        .stream()
        .filter(p -> p.parameterKey().equals("ExternalId"))
        .map(Parameter::parameterValue)
        .findFirst()
        .orElseThrow();
  }

  private Grants grants() {
    return Grants.on(client);
  }

  private static void sleepSeconds(int seconds) {
    try {
      Thread.sleep(seconds * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
