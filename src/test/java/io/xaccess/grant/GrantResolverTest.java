package io.xaccess.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.TestSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets are used only when marked {@code xaccess.io/secret: "true"}; an unmarked Secret's data is
 * never looked at, and external ids from a Secret obey AWS's rule, named but never shown.
 */
class GrantResolverTest {

  private static final String NS = "team-a";
  private static final String TRUST_REF =
      "  trust:\n    externalIdSecretRef: {name: grant-external-id, key: value}\n";

  private final Map<String, Secret> secrets = new HashMap<>();
  private final List<String> gets = new ArrayList<>();
  private final GrantResolver resolver =
      new GrantResolver(
          (namespace, name) -> {
            gets.add(namespace + "/" + name);
            return secrets.get(name);
          },
          new TestSettings());

  @Test
  void aMarkedSecretsExternalIdReachesTheTrust() throws GrantProblem {
    secrets.put("grant-external-id", marked("grant-external-id", "value", "a-good-external-id"));

    Grant grant = resolver.resolve(grant(TRUST_REF));

    assertThat(grant.trust().externalId()).contains(new SecretValue("a-good-external-id"));
    assertThat(grant.secretVersions()).hasSize(1);
    assertThat(gets).containsExactly(NS + "/grant-external-id");
  }

  @Test
  void base64DataOfAMarkedSecretIsDecoded() throws GrantProblem {
    Secret secret = marked("grant-external-id", "other", "unused");
    secret.setStringData(null);
    secret.setData(
        Map.of(
            "value",
            Base64.getEncoder().encodeToString("from-data-1234".getBytes(StandardCharsets.UTF_8))));
    secrets.put("grant-external-id", secret);

    assertThat(resolver.resolve(grant(TRUST_REF)).trust().externalId())
        .contains(new SecretValue("from-data-1234"));
  }

  @Test
  void anUnmarkedSecretStallsAndItsDataIsNeverRead() {
    UntouchableSecret password = new UntouchableSecret("database", "value", "hunter2-db-password");
    secrets.put("database", password);

    GrantProblem problem =
        catchThrowableOfType(
            GrantProblem.class,
            () ->
                resolver.resolve(
                    grant("  trust:\n    externalIdSecretRef: {name: database, key: value}\n")));

    assertThat(problem).isNotNull();
    assertThat(problem.reason()).isEqualTo(Reason.SecretNotMarked);
    assertThat(problem.getMessage())
        .contains("Secret " + NS + "/database")
        .contains("spec.trust.externalIdSecretRef")
        .contains("xaccess.io/secret=true")
        .contains("kubectl label secret -n " + NS + " database xaccess.io/secret=true")
        .doesNotContain("hunter2-db-password");
    assertThat(password.dataReads).as("reads of the unmarked Secret's data").isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "yes", "True", ""})
  void onlyTheValueTrueMarks(String labelValue) {
    Secret secret = marked("grant-external-id", "value", "a-good-external-id");
    secret.getMetadata().getLabels().put("xaccess.io/secret", labelValue);
    secrets.put("grant-external-id", secret);

    GrantProblem problem =
        catchThrowableOfType(GrantProblem.class, () -> resolver.resolve(grant(TRUST_REF)));

    assertThat(problem).isNotNull();
    assertThat(problem.reason()).isEqualTo(Reason.SecretNotMarked);
  }

  @Test
  void anotherLabelDoesNotMark() {
    Secret secret = marked("grant-external-id", "value", "a-good-external-id");
    secret.getMetadata().setLabels(Map.of("app.kubernetes.io/part-of", "xaccess"));
    secrets.put("grant-external-id", secret);

    assertThat(catchThrowableOfType(GrantProblem.class, () -> resolver.resolve(grant(TRUST_REF))))
        .extracting(GrantProblem::reason)
        .isEqualTo(Reason.SecretNotMarked);
  }

  @Test
  void unmarkedStaticKeysAreNotUsed() {
    UntouchableSecret keys =
        new UntouchableSecret("prod-keys", "accessKeyId", "AKIAUNMARKED0000001");
    secrets.put("prod-keys", keys);

    GrantProblem problem =
        catchThrowableOfType(
            GrantProblem.class,
            () ->
                resolver.resolve(
                    GrantYaml.of(NS, "g")
                        .production("    credentials: {secretRef: {name: prod-keys}}\n")
                        .resource()));

    assertThat(problem.reason()).isEqualTo(Reason.SecretNotMarked);
    assertThat(problem.getMessage())
        .contains(NS + "/prod-keys")
        .contains("spec.production.credentials.secretRef");
    assertThat(keys.dataReads).isZero();
  }

  /** The deployer session is tagged with the grant's namespace, which its trust checks. */
  @Test
  void deployerRolesAreAssumedForTheGrantsNamespace() throws GrantProblem {
    Grant grant =
        resolver.resolve(
            GrantYaml.of(NS, "g")
                .development(
                    "    credentials:\n"
                        + "      roleArn: arn:aws:iam::222222222222:role/team-deployer\n")
                .resource());

    // production: the configured deployer role name; development: the spec's roleArn
    assertThat(grant.production().credentials())
        .isEqualTo(
            new Grant.Credentials.AssumeRole(
                "arn:aws:iam::111111111111:role/xaccess-deployer", java.util.Optional.empty(), NS));
    assertThat(grant.development().credentials())
        .isEqualTo(
            new Grant.Credentials.AssumeRole(
                "arn:aws:iam::222222222222:role/team-deployer", java.util.Optional.empty(), NS));
  }

  @Test
  void anUnmarkedDeployerExternalIdIsNotUsed() {
    secrets.put("deployer", new UntouchableSecret("deployer", "externalId", "deployer-id-1234"));

    GrantProblem problem =
        catchThrowableOfType(
            GrantProblem.class,
            () ->
                resolver.resolve(
                    GrantYaml.of(NS, "g")
                        .development(
                            "    credentials:\n"
                                + "      roleArn: arn:aws:iam::222222222222:role/xaccess-deployer\n"
                                + "      externalIdSecretRef: {name: deployer, key: externalId}\n")
                        .resource()));

    assertThat(problem.reason()).isEqualTo(Reason.SecretNotMarked);
    assertThat(problem.getMessage()).contains("spec.development.credentials.externalIdSecretRef");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Q",
        "a-good-external-id\n",
        "with space",
        "policy-${aws:username}",
        "wild*card",
        "tab\there",
        "ünïcode-id"
      })
  void anInvalidExternalIdFromASecretStallsWithoutShowingIt(String value) {
    secrets.put("grant-external-id", marked("grant-external-id", "value", value));

    GrantProblem problem =
        catchThrowableOfType(GrantProblem.class, () -> resolver.resolve(grant(TRUST_REF)));

    assertThat(problem).as("accepted %s", value).isNotNull();
    assertThat(problem.reason()).isEqualTo(Reason.SecretValueInvalid);
    assertThat(problem.getMessage())
        .contains("Secret " + NS + "/grant-external-id key 'value'")
        .contains("spec.trust.externalIdSecretRef")
        .contains("2-1224")
        .doesNotContain(value.strip());
  }

  @Test
  void anExternalIdLongerThanAwsAllowsStalls() {
    secrets.put("grant-external-id", marked("grant-external-id", "value", "e".repeat(1225)));

    assertThat(catchThrowableOfType(GrantProblem.class, () -> resolver.resolve(grant(TRUST_REF))))
        .extracting(GrantProblem::reason)
        .isEqualTo(Reason.SecretValueInvalid);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ab", "Ab_9+=,.@:/-", "arn:aws:iam::111111111111:role/x"})
  void externalIdsAwsAcceptsAreAccepted(String value) throws GrantProblem {
    secrets.put("grant-external-id", marked("grant-external-id", "value", value));

    assertThat(resolver.resolve(grant(TRUST_REF)).trust().externalId())
        .contains(new SecretValue(value));
  }

  @Test
  void theLongestExternalIdAwsAllowsIsAccepted() throws GrantProblem {
    secrets.put("grant-external-id", marked("grant-external-id", "value", "e".repeat(1224)));

    assertThat(resolver.resolve(grant(TRUST_REF)).trust().externalId()).isPresent();
  }

  @Test
  void anInvalidDeployerExternalIdStallsNamingItsField() {
    secrets.put("deployer", marked("deployer", "externalId", "bad value"));

    GrantProblem problem =
        catchThrowableOfType(
            GrantProblem.class,
            () ->
                resolver.resolve(
                    GrantYaml.of(NS, "g")
                        .production(
                            "    credentials:\n"
                                + "      roleArn: arn:aws:iam::111111111111:role/xaccess-deployer\n"
                                + "      externalIdSecretRef: {name: deployer, key: externalId}\n")
                        .resource()));

    assertThat(problem.reason()).isEqualTo(Reason.SecretValueInvalid);
    assertThat(problem.getMessage())
        .contains(NS + "/deployer key 'externalId'")
        .contains("spec.production.credentials.externalIdSecretRef")
        .doesNotContain("bad value");
  }

  @Test
  void aMissingSecretIsStillSecretNotFound() {
    GrantProblem problem =
        catchThrowableOfType(GrantProblem.class, () -> resolver.resolve(grant(TRUST_REF)));

    assertThat(problem.reason()).isEqualTo(Reason.SecretNotFound);
    assertThat(problem.getMessage()).contains(NS + "/grant-external-id");
  }

  @Test
  void anInlineExternalIdNeedsNoSecret() throws GrantProblem {
    Grant grant = resolver.resolve(grant("  trust: {externalId: inline-id-1234}\n"));

    assertThat(grant.trust().externalId()).contains(new SecretValue("inline-id-1234"));
    assertThat(gets).isEmpty();
  }

  private static CrossAccountAccess grant(String specLines) {
    return GrantYaml.of(NS, "g").spec(specLines).resource();
  }

  private static Secret marked(String name, String key, String value) {
    Secret secret = new Secret();
    secret.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NS)
            .withUid("uid-" + name)
            .withResourceVersion("7")
            .withLabels(new HashMap<>(Map.of("xaccess.io/secret", "true")))
            .build());
    secret.setStringData(new HashMap<>(Map.of(key, value)));
    return secret;
  }

  /** An unmarked Secret that counts every look at its data. */
  private static final class UntouchableSecret extends Secret {
    int dataReads;

    UntouchableSecret(String name, String key, String value) {
      setMetadata(
          new ObjectMetaBuilder()
              .withName(name)
              .withNamespace(NS)
              .withUid("uid-" + name)
              .withResourceVersion("3")
              .withLabels(Map.of("app", "database"))
              .build());
      super.setStringData(Map.of(key, value));
      super.setData(
          Map.of(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    }

    @Override
    public Map<String, String> getData() {
      dataReads++;
      return super.getData();
    }

    @Override
    public Map<String, String> getStringData() {
      dataReads++;
      return super.getStringData();
    }
  }
}
