package io.xaccess.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.SecretReference;
import io.xaccess.testing.KubeApiServerExtension;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.XaccessCrd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file in examples/ is accepted as it is by kubectl apply against the real API server. */
@ExtendWith(KubeApiServerExtension.class)
class ExamplesIT {

  private static final String NAMESPACE = "examples";

  @BeforeAll
  static void installCrd(KubernetesClient client) {
    XaccessCrd.installWithNamespace(client, NAMESPACE);
  }

  static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** The examples that are grants (the others are tenancy policies, cluster-scoped). */
  static List<Path> grantExamples() throws IOException {
    List<Path> grants = new ArrayList<>();
    for (Path example : examples()) {
      if (Files.readString(example).contains("\nkind: CrossAccountAccess\n")) {
        grants.add(example);
      }
    }
    return grants;
  }

  @Test
  void theTenancyExamplesAreAcceptedAsTheyAre(LocalKubeApiServer server) throws IOException {
    Kubectl kubectl = new Kubectl(server);
    assertThat(kubectl.succeed("apply", "-f", "examples/policy-local.yaml"))
        .contains("crossaccountaccesspolicy.xaccess.io/local-emulator");
    // In the order a platform team and its tenants would apply them.
    assertThat(kubectl.succeed("apply", "-f", "examples/tenancy/namespaces.yaml"))
        .contains("namespace/payments");
    assertThat(kubectl.succeed("apply", "-f", "examples/tenancy/policies.yaml"))
        .contains("crossaccountaccesspolicy.xaccess.io/team-payments")
        .contains("crossaccountaccesspolicy.xaccess.io/team-analytics")
        .contains("crossaccountaccesspolicy.xaccess.io/shared-artifacts-read");
    assertThat(kubectl.succeed("apply", "-f", "examples/tenancy/grants.yaml"))
        .contains("crossaccountaccess.xaccess.io/ci-publisher")
        .contains("crossaccountaccess.xaccess.io/lake-reader");
    assertThat(kubectl.succeed("get", "xaap", "team-payments"))
        .contains("NAMESPACES")
        .contains("PRODUCTION")
        .contains("111111111111");
  }

  @Test
  void thereAreExamplesForEachUseCase() throws IOException {
    assertThat(examples())
        .extracting(p -> p.getFileName().toString())
        .contains(
            "basic.yaml",
            "hardened.yaml",
            "existing-bucket.yaml",
            "orphan-on-delete.yaml",
            "time-boxed.yaml");
  }

  @Test
  void everySecretInTheExamplesIsMarkedForXaccess() throws IOException {
    List<GenericKubernetesResource> secrets = new ArrayList<>();
    for (Path example : examples()) {
      for (String document : Files.readString(example).split("(?m)^---$")) {
        if (!document.isBlank()) {
          GenericKubernetesResource resource =
              Serialization.unmarshal(document, GenericKubernetesResource.class);
          if ("Secret".equals(resource.getKind())) {
            secrets.add(resource);
          }
        }
      }
    }

    assertThat(secrets).as("the examples ship a Secret").isNotEmpty();
    assertThat(secrets)
        .allSatisfy(
            s ->
                assertThat(s.getMetadata().getLabels())
                    .as("labels of Secret %s", s.getMetadata().getName())
                    .containsEntry(SecretReference.MARK_LABEL, SecretReference.MARK_VALUE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("grantExamples")
  void isAcceptedAsItIs(Path example, LocalKubeApiServer server, KubernetesClient client) {
    String output = new Kubectl(server).succeed("apply", "-n", NAMESPACE, "-f", example.toString());

    assertThat(output).contains("crossaccountaccess.xaccess.io/").contains("created");
    String name =
        output.lines().filter(l -> l.startsWith("crossaccountaccess")).findFirst().orElseThrow();
    name = name.substring(name.indexOf('/') + 1, name.indexOf(' '));
    CrossAccountAccess stored =
        client.resources(CrossAccountAccess.class).inNamespace(NAMESPACE).withName(name).get();
    // Defaults are applied by the API server, so the operator sees a complete spec.
    assertThat(stored.getSpec().getSessionDuration()).isNotBlank();
    assertThat(stored.getSpec().getDeletionPolicy()).isNotNull();
    assertThat(stored.getSpec().getBucket().getCreate()).isNotNull();
    assertThat(stored.getSpec().getBucket().getEncryption()).isNotBlank();
  }
}
