package io.xaccess.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.xaccess.testing.KubeApiServerExtension;
import io.xaccess.testing.XaccessCrd;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What identifies the AWS resources of a grant (accounts, regions, bucket, role) cannot change in
 * place; everything else can, and the API server says which is which on update.
 */
@ExtendWith(KubeApiServerExtension.class)
class ImmutabilityIT {

  private static final String NAMESPACE = "immutability";

  @BeforeAll
  static void installCrd(KubernetesClient client) {
    XaccessCrd.installWithNamespace(client, NAMESPACE);
  }

  static Stream<Arguments> immutableChanges() {
    return Stream.of(
        change(
            "spec.production.accountId",
            Manifests.setting("spec.production.accountId", "333333333333")),
        change("spec.production.region", Manifests.setting("spec.production.region", "eu-west-1")),
        change(
            "spec.development.accountId",
            Manifests.setting("spec.development.accountId", "444444444444")),
        change(
            "spec.development.region", Manifests.setting("spec.development.region", "eu-west-1")),
        change("spec.bucket.name", Manifests.setting("spec.bucket.name", "another-bucket")),
        change("spec.role.name", Manifests.setting("spec.role.name", "AnotherRole")),
        // Dropping the role section would silently fall back to the default name.
        change("spec.role.name", Manifests.removing("spec.role")));
  }

  static Stream<Arguments> mutableChanges() {
    return Stream.of(
        change(
            "spec.trust.regions",
            Manifests.setting(
                "spec.trust.regions", List.of("us-east-1", "ap-southeast-2", "eu-west-1"))),
        change("spec.trust.requireMfa", Manifests.setting("spec.trust.requireMfa", true)),
        change("spec.sessionDuration", Manifests.setting("spec.sessionDuration", "45m")),
        change(
            "spec.role.actions",
            Manifests.setting("spec.role.actions", List.of("s3:GetObject", "s3:ListBucket"))),
        change(
            "spec.role.maxSessionDuration",
            Manifests.setting("spec.role.maxSessionDuration", "4h")),
        change(
            "spec.development.principals",
            Manifests.setting(
                "spec.development.principals", List.of("arn:aws:iam::222222222222:role/other"))),
        change("spec.bucket.prefix", Manifests.removing("spec.bucket.prefix")),
        change("spec.verification.interval", Manifests.setting("spec.verification.interval", "0")),
        change("spec.deletionPolicy", Manifests.setting("spec.deletionPolicy", "Orphan")),
        change("spec.suspend", Manifests.setting("spec.suspend", true)));
  }

  @ParameterizedTest(name = "{0} is immutable")
  @MethodSource("immutableChanges")
  void rejectsChangesToIdentity(
      String field, Consumer<GenericKubernetesResource> change, KubernetesClient client) {
    GenericKubernetesResource existing = createValid(client, "immutable");
    change.accept(existing);

    KubernetesClientException rejected =
        catchThrowableOfType(
            KubernetesClientException.class, () -> client.resource(existing).update());

    assertThat(rejected).as("the API server accepted a change of %s", field).isNotNull();
    assertThat(rejected.getCode()).isEqualTo(422);
    assertThat(rejected.getStatus().getMessage()).contains(field + ":").contains("immutable");
  }

  @ParameterizedTest(name = "{0} is mutable")
  @MethodSource("mutableChanges")
  void acceptsChangesToEverythingElse(
      String field, Consumer<GenericKubernetesResource> change, KubernetesClient client) {
    GenericKubernetesResource existing = createValid(client, "mutable");
    long generation = existing.getMetadata().getGeneration();
    change.accept(existing);

    GenericKubernetesResource updated = client.resource(existing).update();

    assertThat(updated.getMetadata().getGeneration()).isGreaterThan(generation);
  }

  private static GenericKubernetesResource createValid(KubernetesClient client, String prefix) {
    GenericKubernetesResource resource = Manifests.load("valid-full.yaml");
    resource.getMetadata().setGenerateName(prefix + "-");
    resource.getMetadata().setName(null);
    // A custom role name, so that dropping the role section would change it.
    Manifests.set(resource, "spec.role.name", "CustomPublisher");
    return client.resource(resource).inNamespace(NAMESPACE).create();
  }

  private static Arguments change(String field, Consumer<GenericKubernetesResource> change) {
    return Arguments.of(field, change);
  }
}
