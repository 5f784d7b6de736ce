package io.xaccess.api;

import static io.xaccess.api.Manifests.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.xaccess.testing.KubeApiServerExtension;
import io.xaccess.testing.XaccessCrd;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real API server refuses bad input at admission, with a message that names the offending
 * field: each case breaks one field of a valid resource (src/test/resources/manifests).
 */
@ExtendWith(KubeApiServerExtension.class)
class AdmissionIT {

  private static final String NAMESPACE = "admission";

  @BeforeAll
  static void installCrd(KubernetesClient client) {
    XaccessCrd.installWithNamespace(client, NAMESPACE);
  }

  @Test
  void acceptsTheValidBase(KubernetesClient client) {
    GenericKubernetesResource valid = Manifests.load("valid-full.yaml");
    valid.getMetadata().setName("valid-base");
    assertThat(client.resource(valid).inNamespace(NAMESPACE).create().getMetadata().getUid())
        .isNotBlank();
  }

  @Test
  void acceptsEverySafeCharacterInThePrefixAndWildcardsInPrincipalNames(KubernetesClient client) {
    GenericKubernetesResource valid = Manifests.load("valid-full.yaml");
    valid.getMetadata().setName("valid-safe-characters");
    Manifests.set(valid, "spec.bucket.prefix", "Team_A/it's-(v1)!/r.c/");
    Manifests.set(
        valid,
        "spec.development.principals",
        list(
            "arn:aws:iam::222222222222:role/release-*",
            "arn:aws:iam::222222222222:role/team/*/deployer",
            "arn:aws:iam::222222222222:user/alice+ops=1@example.com",
            "arn:aws-cn:iam::222222222222:role/ci"));

    GenericKubernetesResource created = client.resource(valid).inNamespace(NAMESPACE).create();

    assertThat(Manifests.get(created, "spec.bucket.prefix")).isEqualTo("Team_A/it's-(v1)!/r.c/");
  }

  @Test
  void acceptsAFixedEndOrATtl(KubernetesClient client) {
    GenericKubernetesResource fixed = Manifests.load("valid-full.yaml");
    fixed.getMetadata().setName("valid-expires-at");
    Manifests.set(fixed, "spec.expiresAt", "2026-12-31T18:00:00.5+10:00");
    GenericKubernetesResource ttl = Manifests.load("valid-full.yaml");
    ttl.getMetadata().setName("valid-ttl");
    Manifests.set(ttl, "spec.ttl", "1s");

    assertThat(
            Manifests.get(client.resource(fixed).inNamespace(NAMESPACE).create(), "spec.expiresAt"))
        .isEqualTo("2026-12-31T18:00:00.5+10:00");
    assertThat(Manifests.get(client.resource(ttl).inNamespace(NAMESPACE).create(), "spec.ttl"))
        .isEqualTo("1s");
  }

  static Stream<Arguments> invalidManifests() {
    return Stream.of(
        // accounts
        invalid(
            "spec.production.accountId",
            "12-digit",
            Manifests.setting("spec.production.accountId", "12345")),
        invalid(
            "spec.production.accountId",
            "12-digit",
            Manifests.setting("spec.production.accountId", "11111111111a")),
        invalid(
            "spec.production.accountId",
            "must be of type string",
            Manifests.setting("spec.production.accountId", 111111111111L)),
        invalid(
            "spec.development.accountId",
            "must differ from production.accountId",
            Manifests.setting("spec.development.accountId", "111111111111")),
        invalid("spec.production", "Required value", Manifests.removing("spec.production")),
        invalid(
            "spec.development.accountId",
            "Required value",
            Manifests.removing("spec.development.accountId")),
        // regions
        invalid(
            "spec.production.region",
            "AWS region name",
            Manifests.setting("spec.production.region", "mars-1")),
        invalid(
            "spec.development.region",
            "AWS region name",
            Manifests.setting("spec.development.region", "US-EAST-1")),
        invalid(
            "spec.trust.regions",
            "AWS region name",
            Manifests.setting("spec.trust.regions", list("us-east-1", "moon-base-1"))),
        invalid(
            "spec.trust.regions",
            "twice",
            Manifests.setting("spec.trust.regions", list("us-east-1", "us-east-1"))),
        // bucket
        invalid("spec.bucket.name", "Required value", Manifests.removing("spec.bucket.name")),
        invalid("spec.bucket.name", "S3 bucket name", Manifests.setting("spec.bucket.name", "AB")),
        invalid(
            "spec.bucket.name",
            "S3 bucket name",
            Manifests.setting("spec.bucket.name", "my_bucket")),
        invalid(
            "spec.bucket.name",
            "two adjacent periods",
            Manifests.setting("spec.bucket.name", "my..bucket")),
        invalid(
            "spec.bucket.name",
            "IP address",
            Manifests.setting("spec.bucket.name", "192.168.1.10")),
        invalid(
            "spec.bucket.name", "S3 reserves", Manifests.setting("spec.bucket.name", "xn--bucket")),
        invalid(
            "spec.bucket.name", "Too long", Manifests.setting("spec.bucket.name", "b".repeat(64))),
        invalid(
            "spec.bucket.prefix",
            "ending with /",
            Manifests.setting("spec.bucket.prefix", "/releases/")),
        invalid(
            "spec.bucket.prefix",
            "ending with /",
            Manifests.setting("spec.bucket.prefix", "releases")),
        // prefix: an IAM wildcard or policy variable would reach keys outside it
        invalid(
            "spec.bucket.prefix",
            "must not contain *, ?, $, { or }",
            Manifests.setting("spec.bucket.prefix", "releases/*/")),
        invalid(
            "spec.bucket.prefix",
            "must not contain *, ?, $, { or }",
            Manifests.setting("spec.bucket.prefix", "*/")),
        invalid(
            "spec.bucket.prefix",
            "must not contain *, ?, $, { or }",
            Manifests.setting("spec.bucket.prefix", "home/${aws:username}/")),
        invalid(
            "spec.bucket.prefix",
            "must not contain *, ?, $, { or }",
            Manifests.setting("spec.bucket.prefix", "release-?/")),
        invalid(
            "spec.bucket.prefix",
            "S3's safe characters",
            Manifests.setting("spec.bucket.prefix", "release notes/")),
        invalid(
            "spec.bucket.prefix",
            "S3's safe characters",
            Manifests.setting("spec.bucket.prefix", "a,b/")),
        invalid(
            "spec.bucket.prefix",
            "S3's safe characters",
            Manifests.setting("spec.bucket.prefix", "caf\u00e9/")),
        invalid(
            "spec.bucket.prefix",
            "holding //",
            Manifests.setting("spec.bucket.prefix", "releases//")),
        invalid(
            "spec.bucket.encryption",
            "must be KMS",
            Manifests.setting("spec.bucket.encryption", "AES256")),
        invalid(
            "spec.bucket.encryption",
            "KMS key must belong to the production account",
            Manifests.setting(
                "spec.bucket.encryption", "arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab")),
        invalid(
            "spec.bucket.deletionPolicy",
            "Unsupported value",
            Manifests.setting("spec.bucket.deletionPolicy", "Destroy")),
        invalid(
            "spec.bucket.deletionPolicy",
            "only for a bucket xaccess creates",
            Manifests.setting("spec.bucket.create", false)),
        invalid(
            "spec.bucket.managePolicy",
            "only for an existing bucket",
            Manifests.setting("spec.bucket.managePolicy", false)),
        // role
        invalid(
            "spec.role.name", "IAM role name", Manifests.setting("spec.role.name", "bad name!")),
        invalid("spec.role.name", "Too long", Manifests.setting("spec.role.name", "r".repeat(65))),
        invalid(
            "spec.role.actions",
            "must be one of",
            Manifests.setting("spec.role.actions", list("s3:*"))),
        invalid(
            "spec.role.actions",
            "must be one of",
            Manifests.setting("spec.role.actions", list("s3:GetObject", "s3:DeleteObjectVersion"))),
        invalid(
            "spec.role.actions",
            "should have at least 1 items",
            Manifests.setting("spec.role.actions", list())),
        invalid(
            "spec.role.actions",
            "twice",
            Manifests.setting("spec.role.actions", list("s3:GetObject", "s3:GetObject"))),
        invalid(
            "spec.role.maxSessionDuration",
            "between 1h and 12h",
            Manifests.setting("spec.role.maxSessionDuration", "30m")),
        // durations
        invalid(
            "spec.sessionDuration",
            "between 15m and 12h",
            Manifests.setting("spec.sessionDuration", "10m")),
        invalid(
            "spec.sessionDuration",
            "between 15m and 12h",
            Manifests.setting("spec.sessionDuration", "13h")),
        invalid(
            "spec.sessionDuration",
            "between 15m and 12h",
            Manifests.setting("spec.sessionDuration", "1 hour")),
        invalid(
            "spec.sessionDuration",
            "must not exceed role.maxSessionDuration",
            Manifests.setting("spec.sessionDuration", "3h")),
        invalid(
            "spec.verification.interval",
            "5m to 168h",
            Manifests.setting("spec.verification.interval", "1m")),
        invalid(
            "spec.verification.interval",
            "5m to 168h",
            Manifests.setting("spec.verification.interval", "weekly")),
        // trust
        invalid(
            "spec.trust.organizationId",
            "AWS Organizations id",
            Manifests.setting("spec.trust.organizationId", "org-123")),
        invalid(
            "spec.trust.externalIdSecretRef",
            "not both",
            Manifests.setting("spec.trust.externalId", "inline-external-id")),
        invalid(
            "spec.trust.externalId",
            "2-1224",
            both(
                Manifests.removing("spec.trust.externalIdSecretRef"),
                Manifests.setting("spec.trust.externalId", "x"))),
        invalid(
            "spec.trust.externalId",
            "AWS's rule for sts:ExternalId",
            both(
                Manifests.removing("spec.trust.externalIdSecretRef"),
                Manifests.setting("spec.trust.externalId", "id-${aws:username}"))),
        invalid(
            "spec.trust.externalId",
            "2-1224",
            both(
                Manifests.removing("spec.trust.externalIdSecretRef"),
                Manifests.setting("spec.trust.externalId", "an id with spaces"))),
        invalid(
            "spec.trust.externalId",
            "Too long",
            both(
                Manifests.removing("spec.trust.externalIdSecretRef"),
                Manifests.setting("spec.trust.externalId", "e".repeat(1225)))),
        invalid(
            "spec.trust.organizationId",
            "AWS Organizations id",
            Manifests.setting("spec.trust.organizationId", "o-a1b2c3d4e5,o-f6g7h8i9j0")),
        invalid(
            "spec.trust.regions",
            "AWS region name",
            Manifests.setting("spec.trust.regions", list("us-east-1,eu-west-1"))),
        invalid(
            "spec.trust.regions",
            "AWS region name",
            Manifests.setting("spec.trust.regions", list("*"))),
        invalid(
            "spec.development.assumerRole.name",
            "IAM role name",
            Manifests.setting("spec.development.assumerRole.name", "Assumer*")),
        invalid(
            "spec.role.name", "IAM role name", Manifests.setting("spec.role.name", "Publisher-*")),
        invalid(
            "spec.role.name",
            "IAM role name",
            Manifests.setting("spec.role.name", "Publisher-${aws:username}")),
        invalid(
            "spec.trust.externalIdSecretRef.key",
            "Required value",
            Manifests.removing("spec.trust.externalIdSecretRef.key")),
        invalid(
            "spec.trust.requireMfa",
            "must be of type boolean",
            Manifests.setting("spec.trust.requireMfa", "yes")),
        invalid(
            "spec.trust.maxMfaAge",
            "maxMfaAge needs requireMfa: true",
            both(
                Manifests.setting("spec.trust.requireMfa", false),
                Manifests.setting("spec.trust.maxMfaAge", "1h"))),
        invalid(
            "spec.trust.maxMfaAge",
            "between 1m and 12h",
            both(
                Manifests.setting("spec.trust.requireMfa", true),
                Manifests.setting("spec.trust.maxMfaAge", "30s"))),
        invalid(
            "spec.trust.maxMfaAge",
            "between 1m and 12h",
            both(
                Manifests.setting("spec.trust.requireMfa", true),
                Manifests.setting("spec.trust.maxMfaAge", "13h"))),
        // principals
        invalid(
            "spec.development.principals",
            "must all be in the development account",
            Manifests.setting(
                "spec.development.principals", list("arn:aws:iam::333333333333:role/ci"))),
        invalid(
            "spec.development.principals",
            "IAM role or user ARN",
            Manifests.setting("spec.development.principals", list("ci-runner"))),
        // A comma splits the CommaDelimitedList parameter: role/x,* would become ArnLike "*".
        invalid(
            "spec.development.principals",
            "must not contain a comma",
            Manifests.setting(
                "spec.development.principals", list("arn:aws:iam::222222222222:role/x,*"))),
        invalid(
            "spec.development.principals",
            "must not contain a comma",
            Manifests.setting(
                "spec.development.principals",
                list("arn:aws:iam::222222222222:role/x,arn:aws:iam::333333333333:role/y"))),
        invalid(
            "spec.development.principals",
            "IAM role or user ARN",
            Manifests.setting("spec.development.principals", list("*"))),
        invalid(
            "spec.development.principals",
            "must all be in the development account",
            Manifests.setting("spec.development.principals", list("*"))),
        invalid(
            "spec.development.principals",
            "IAM role or user ARN",
            Manifests.setting("spec.development.principals", list("arn:aws:iam::*:role/ci"))),
        invalid(
            "spec.development.principals",
            "must all be in the development account",
            Manifests.setting("spec.development.principals", list("arn:aws:iam::*:role/ci"))),
        invalid(
            "spec.development.principals",
            "IAM role or user ARN",
            Manifests.setting(
                "spec.development.principals", list("arn:aws:iam::2222222222*:role/ci"))),
        invalid(
            "spec.development.principals",
            "IAM role or user ARN",
            Manifests.setting("spec.development.principals", list("arn:aws:iam::222222222222:*"))),
        invalid(
            "spec.development.principals",
            "IAM role or user ARN",
            Manifests.setting(
                "spec.development.principals", list("arn:aws:iam::222222222222:role/"))),
        invalid(
            "spec.development.principals",
            "IAM role or user ARN",
            Manifests.setting(
                "spec.development.principals", list("arn:aws:sts::222222222222:assumed-role/x/y"))),
        invalid(
            "spec.development.principals",
            "policy variables",
            Manifests.setting(
                "spec.development.principals",
                list("arn:aws:iam::222222222222:role/${aws:username}"))),
        invalid(
            "spec.development.principals",
            "policy variables",
            Manifests.setting(
                "spec.development.principals", list("arn:aws:iam::222222222222:role/ci-?"))),
        invalid(
            "spec.development.principals",
            "whitespace",
            Manifests.setting(
                "spec.development.principals", list("arn:aws:iam::222222222222:role/ci runner"))),
        invalid(
            "spec.development.principals",
            "whitespace",
            Manifests.setting(
                "spec.development.principals", list("arn:aws:iam::222222222222:role/ci\nrunner"))),
        invalid(
            "spec.development.assumerRole.trustedBy",
            "Unsupported value",
            Manifests.setting("spec.development.assumerRole.trustedBy", "Batch")),
        // credentials
        invalid(
            "spec.production.credentials",
            "exactly one of roleArn or secretRef",
            Manifests.setting(
                "spec.production.credentials.secretRef", Map.of("name", "prod-keys"))),
        invalid(
            "spec.development.credentials",
            "exactly one of roleArn or secretRef",
            Manifests.setting("spec.development.credentials", Map.of())),
        invalid(
            "spec.production.credentials.roleArn",
            "must be a role in this account",
            Manifests.setting(
                "spec.production.credentials.roleArn",
                "arn:aws:iam::222222222222:role/xaccess-deployer")),
        invalid(
            "spec.production.credentials.roleArn",
            "IAM role ARN",
            Manifests.setting(
                "spec.production.credentials.roleArn", "arn:aws:iam::111111111111:user/deployer")),
        invalid(
            "spec.development.credentials.externalIdSecretRef",
            "only used with roleArn",
            both(
                Manifests.removing("spec.development.credentials.roleArn"),
                Manifests.setting(
                    "spec.development.credentials.secretRef", Map.of("name", "dev-keys")),
                Manifests.setting(
                    "spec.development.credentials.externalIdSecretRef",
                    Map.of("name", "x", "key", "y")))),
        // policies
        invalid(
            "spec.deletionPolicy",
            "Unsupported value",
            Manifests.setting("spec.deletionPolicy", "Keep")),
        invalid("spec.suspend", "must be of type boolean", Manifests.setting("spec.suspend", "no")),
        invalid(
            "spec.updatePolicy",
            "Unsupported value",
            Manifests.setting("spec.updatePolicy", "OnApproval")),
        invalid(
            "spec.driftPolicy",
            "Unsupported value",
            Manifests.setting("spec.driftPolicy", "Ignore")),
        invalid(
            "spec.managementPolicy",
            "Unsupported value",
            Manifests.setting("spec.managementPolicy", "ReadOnly")),
        invalid(
            "spec.production.stackName",
            "must be a CloudFormation stack name",
            Manifests.setting("spec.production.stackName", "9-starts-with-a-digit")),
        invalid(
            "spec.production.stackName",
            "must be a CloudFormation stack name",
            Manifests.setting("spec.production.stackName", "dev_to_prod")),
        // lifetime: a fixed end or a ttl, never both
        invalid(
            "spec.ttl",
            "set expiresAt or ttl, not both",
            both(
                Manifests.setting("spec.expiresAt", "2026-12-31T18:00:00Z"),
                Manifests.setting("spec.ttl", "8h"))),
        invalid(
            "spec.expiresAt",
            "must be an RFC 3339 time",
            Manifests.setting("spec.expiresAt", "tomorrow")),
        invalid(
            "spec.expiresAt",
            "must be an RFC 3339 time",
            Manifests.setting("spec.expiresAt", "2026-12-31 18:00:00Z")),
        invalid(
            "spec.expiresAt",
            "must be an RFC 3339 time",
            Manifests.setting("spec.expiresAt", "2026-12-31T18:00Z")),
        invalid(
            "spec.expiresAt",
            "must be an RFC 3339 time",
            Manifests.setting("spec.expiresAt", "2026-12-31T18:00:00")),
        invalid(
            "spec.expiresAt",
            "must be an RFC 3339 time",
            Manifests.setting("spec.expiresAt", "1999-12-31T23:59:59Z")),
        invalid(
            "spec.expiresAt",
            "must be an RFC 3339 time",
            Manifests.setting("spec.expiresAt", "2026-13-40T25:61:00Z")),
        invalid(
            "spec.expiresAt",
            "must be of type string",
            Manifests.setting("spec.expiresAt", 1767204000L)),
        invalid("spec.ttl", "at least 1s", Manifests.setting("spec.ttl", "0s")),
        invalid("spec.ttl", "at least 1s", Manifests.setting("spec.ttl", "500ms")),
        invalid("spec.ttl", "must be a duration", Manifests.setting("spec.ttl", "")),
        invalid("spec.ttl", "must be a duration", Manifests.setting("spec.ttl", "1 hour")),
        invalid("spec.ttl", "must be a duration", Manifests.setting("spec.ttl", "2d")),
        invalid("spec.ttl", "must be a duration", Manifests.setting("spec.ttl", "-5m")),
        invalid("spec.ttl", "must be of type string", Manifests.setting("spec.ttl", 3600L)));
  }

  @ParameterizedTest(name = "[{index}] {0}: {1}")
  @MethodSource("invalidManifests")
  void rejectsAtAdmissionNamingTheField(
      String field,
      String expectedMessage,
      Consumer<GenericKubernetesResource> breakIt,
      KubernetesClient client) {
    GenericKubernetesResource resource = Manifests.load("valid-full.yaml");
    resource
        .getMetadata()
        .setName("invalid-" + Integer.toHexString(field.hashCode() ^ expectedMessage.hashCode()));
    breakIt.accept(resource);

    KubernetesClientException rejected =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.resource(resource).inNamespace(NAMESPACE).create());

    assertThat(rejected).as("the API server accepted an invalid %s", field).isNotNull();
    assertThat(rejected.getCode()).isEqualTo(422);
    assertThat(rejected.getStatus().getMessage()).contains(field + ":").contains(expectedMessage);
  }

  private static Arguments invalid(
      String field, String message, Consumer<GenericKubernetesResource> breakIt) {
    return Arguments.of(field, message, breakIt);
  }

  @SafeVarargs
  private static Consumer<GenericKubernetesResource> both(
      Consumer<GenericKubernetesResource>... steps) {
    return r -> List.of(steps).forEach(step -> step.accept(r));
  }
}
