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
 * What identifies the AWS resources of a grant (accounts, regions, bucket, role) or decides what
 * its stack owns (bucket.create, bucket.encryption, bucket.managePolicy) cannot change in place;
 * everything else can, and the API server says which is which on update.
 */
@ExtendWith(KubeApiServerExtension.class)
class ImmutabilityIT {

  private static final String NAMESPACE = "immutability";

  /** The base turned into a grant on an existing bucket, which is never deleted. */
  private static final Consumer<GenericKubernetesResource> EXISTING_BUCKET =
      both(
          Manifests.setting("spec.bucket.create", false),
          Manifests.setting("spec.bucket.deletionPolicy", "Retain"));

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
        change("spec.role.name", Manifests.removing("spec.role")),
        // What the stack owns: a switch would let it delete what it never created.
        change(
            "spec.bucket.create",
            both(
                Manifests.setting("spec.bucket.create", false),
                Manifests.setting("spec.bucket.deletionPolicy", "Retain"))),
        change("spec.bucket.encryption", Manifests.setting("spec.bucket.encryption", "S3")),
        change(
            "spec.bucket.encryption",
            Manifests.setting(
                "spec.bucket.encryption",
                "arn:aws:kms:ap-southeast-2:111111111111:key/1234abcd-12ab-34cd-56ef")),
        // Removing the field: the API server's default (KMS) is not what was there.
        onExistingKey("spec.bucket.encryption", Manifests.removing("spec.bucket.encryption")),
        onExistingKey("spec.bucket.encryption", Manifests.setting("spec.bucket.encryption", "KMS")),
        onExistingBucket(
            "spec.bucket.create",
            both(
                Manifests.removing("spec.bucket.managePolicy"),
                Manifests.setting("spec.bucket.create", true))),
        onExistingBucket(
            "spec.bucket.managePolicy", Manifests.setting("spec.bucket.managePolicy", true)),
        onExistingBucketWithPolicy(
            "spec.bucket.managePolicy", Manifests.setting("spec.bucket.managePolicy", false)),
        onExistingBucketWithPolicy(
            "spec.bucket.managePolicy", Manifests.removing("spec.bucket.managePolicy")),
        // Which stack the grant observes or takes over: set when created, never changed.
        change(
            "spec.production.stackName",
            Manifests.setting("spec.production.stackName", "dev-to-prod-s3-prod")));
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
        change("spec.suspend", Manifests.setting("spec.suspend", true)),
        change("spec.driftPolicy", Manifests.setting("spec.driftPolicy", "Report")),
        change("spec.managementPolicy", Manifests.setting("spec.managementPolicy", "Observe")),
        change(
            "spec.bucket.deletionPolicy",
            Manifests.setting("spec.bucket.deletionPolicy", "Retain")),
        // Unset and false are the same for an existing bucket, true and unset for a created one.
        onExistingBucket(
            "spec.bucket.managePolicy", Manifests.setting("spec.bucket.managePolicy", false)),
        change("spec.bucket.managePolicy", Manifests.setting("spec.bucket.managePolicy", true)));
  }

  @ParameterizedTest(name = "{0} is immutable ({index})")
  @MethodSource("immutableChanges")
  void rejectsChangesToIdentity(
      String field,
      Consumer<GenericKubernetesResource> base,
      Consumer<GenericKubernetesResource> change,
      KubernetesClient client) {
    GenericKubernetesResource existing = createValid(client, "immutable", base);
    change.accept(existing);

    KubernetesClientException rejected =
        catchThrowableOfType(
            KubernetesClientException.class, () -> client.resource(existing).update());

    assertThat(rejected).as("the API server accepted a change of %s", field).isNotNull();
    assertThat(rejected.getCode()).isEqualTo(422);
    assertThat(rejected.getStatus().getMessage())
        .contains(field + ":")
        .contains("immutable")
        .contains("create a new CrossAccountAccess");
  }

  @ParameterizedTest(name = "{0} is mutable ({index})")
  @MethodSource("mutableChanges")
  void acceptsChangesToEverythingElse(
      String field,
      Consumer<GenericKubernetesResource> base,
      Consumer<GenericKubernetesResource> change,
      KubernetesClient client) {
    GenericKubernetesResource existing = createValid(client, "mutable", base);
    long generation = existing.getMetadata().getGeneration();
    change.accept(existing);

    GenericKubernetesResource updated = client.resource(existing).update();

    assertThat(updated.getMetadata().getGeneration()).isGreaterThan(generation);
  }

  private static GenericKubernetesResource createValid(
      KubernetesClient client, String prefix, Consumer<GenericKubernetesResource> base) {
    GenericKubernetesResource resource = Manifests.load("valid-full.yaml");
    resource.getMetadata().setGenerateName(prefix + "-");
    resource.getMetadata().setName(null);
    // A custom role name, so that dropping the role section would change it.
    Manifests.set(resource, "spec.role.name", "CustomPublisher");
    base.accept(resource);
    return client.resource(resource).inNamespace(NAMESPACE).create();
  }

  /** A change of the valid base (a bucket xaccess creates, with a KMS key created for it). */
  private static Arguments change(String field, Consumer<GenericKubernetesResource> change) {
    return Arguments.of(field, (Consumer<GenericKubernetesResource>) r -> {}, change);
  }

  /** A change of a grant on an existing bucket whose bucket policy it leaves alone. */
  private static Arguments onExistingBucket(
      String field, Consumer<GenericKubernetesResource> change) {
    return Arguments.of(field, EXISTING_BUCKET, change);
  }

  /** A change of a grant on an existing bucket whose bucket policy it manages. */
  private static Arguments onExistingBucketWithPolicy(
      String field, Consumer<GenericKubernetesResource> change) {
    return Arguments.of(
        field, both(EXISTING_BUCKET, Manifests.setting("spec.bucket.managePolicy", true)), change);
  }

  /** A change of a grant on an existing bucket encrypted with an existing key. */
  private static Arguments onExistingKey(String field, Consumer<GenericKubernetesResource> change) {
    return Arguments.of(
        field,
        both(
            EXISTING_BUCKET,
            Manifests.setting(
                "spec.bucket.encryption",
                "arn:aws:kms:ap-southeast-2:111111111111:key/1234abcd-12ab-34cd-56ef")),
        change);
  }

  @SafeVarargs
  private static Consumer<GenericKubernetesResource> both(
      Consumer<GenericKubernetesResource>... steps) {
    return r -> List.of(steps).forEach(step -> step.accept(r));
  }
}
