package io.xaccess.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Known secret values — external ids for the trust and for a deployer role, static keys — go
 * through the packaged operator (debug logging on) in grants that succeed and grants that fail, and
 * none of them shows up in its log (exceptions included), in events or in status.
 */
class SecretHygieneIT {

  private static final String TRUST_EXTERNAL_ID = "hygiene-trust-external-id-7f3a91";
  private static final String DEPLOYER_EXTERNAL_ID = "hygiene-deployer-external-id-c42e";
  private static final String ACCESS_KEY_ID = "AKIAHYGIENE0000KEY01";
  private static final String SECRET_ACCESS_KEY = "hygiene/secret+access+key/0001abcdef";
  private static final List<String> SECRETS =
      List.of(TRUST_EXTERNAL_ID, DEPLOYER_EXTERNAL_ID, ACCESS_KEY_ID, SECRET_ACCESS_KEY);

  @Test
  void noSecretValueLeaks() throws Exception {
    Path log = Files.createTempFile("xaccess-operator-hygiene", ".log");
    try (TestCluster cluster = TestCluster.start()) {
      KubernetesClient client = cluster.client();
      cluster.namespace("hygiene");
      Grants grants = cluster.grants().within(Duration.ofMinutes(2));
      secret(client, "trust-external-id", Map.of("value", TRUST_EXTERNAL_ID));
      secret(client, "deployer-external-id", Map.of("externalId", DEPLOYER_EXTERNAL_ID));
      secret(
          client,
          "static-keys",
          Map.of("accessKeyId", ACCESS_KEY_ID, "secretAccessKey", SECRET_ACCESS_KEY));
      try (OperatorProcess operator =
          OperatorProcess.start(
              cluster.kube().kubeConfigFile(),
              cluster.awsEndpoint(),
              log,
              Map.of("QUARKUS_LOG_CATEGORY__IO_XACCESS__LEVEL", "DEBUG"))) {
        // Succeeds: trust external id and a deployer role with its own external id.
        grant(
            client,
            "works",
            "  production:\n    accountId: \"111111111111\"\n    region: ap-southeast-2\n"
                + "    credentials:\n      roleArn: arn:aws:iam::111111111111:role/xaccess-deployer\n"
                + "      externalIdSecretRef: {name: deployer-external-id, key: externalId}\n"
                + "  trust:\n    externalIdSecretRef: {name: trust-external-id, key: value}\n");
        // Fails: static keys that moto answers as another account (WrongAccount), same trust id.
        grant(
            client,
            "fails",
            "  production:\n    accountId: \"111111111111\"\n    region: ap-southeast-2\n"
                + "    credentials:\n      secretRef: {name: static-keys}\n"
                + "  trust:\n    externalIdSecretRef: {name: trust-external-id, key: value}\n");

        grants.awaitReady("hygiene", "works");
        grants.awaitCondition("hygiene", "fails", "Stalled", "True");
        // Delete both: the deletion paths log and record events too.
        client
            .resources(CrossAccountAccess.class)
            .inNamespace("hygiene")
            .withName("works")
            .delete();
        grants.awaitGone("hygiene", "works");

        String operatorLog = Files.readString(log);
        String events = cluster.kubectl().succeed("get", "events", "-n", "hygiene", "-o", "yaml");
        String statuses =
            Serialization.asYaml(
                client.resources(CrossAccountAccess.class).inNamespace("hygiene").list());
        // The log is the operator's, at debug level.
        assertThat(operatorLog).contains("DEBUG").contains("reconciling hygiene/works");
        assertThat(events).contains("WrongAccount").contains("Ready");
        for (String secret : SECRETS) {
          assertThat(operatorLog).as("operator log").doesNotContain(secret);
          assertThat(events).as("events").doesNotContain(secret);
          assertThat(statuses).as("status").doesNotContain(secret);
        }
        assertThat(operator.isAlive()).isTrue();
      }
    }
  }

  private static void secret(KubernetesClient client, String name, Map<String, String> data) {
    client
        .secrets()
        .inNamespace("hygiene")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("xaccess.io/secret", "true")
                .endMetadata()
                .withStringData(data)
                .build())
        .create();
  }

  private static void grant(KubernetesClient client, String name, String accountsAndTrust) {
    String yaml =
        "apiVersion: xaccess.io/v1alpha1\nkind: CrossAccountAccess\nmetadata: {name: "
            + name
            + ", namespace: hygiene}\nspec:\n"
            + accountsAndTrust
            + "  development: {accountId: \"222222222222\", region: us-east-1}\n"
            + "  bucket: {name: xaccess-hygiene-"
            + name
            + "}\n  role: {name: Hygiene-"
            + name
            + "}\n";
    client.resource(Serialization.unmarshal(yaml, CrossAccountAccess.class)).create();
  }
}
