package io.xaccess.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code xaccess render} on every example grant and on invalid input: what it prints, and the exit
 * status with a message that names the field.
 */
class RenderCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A run of the command: exit status, standard output and error. */
  record Run(int status, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  static Run render(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        RenderCommand.run(
            List.of(args),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Every file of examples/ that holds a grant (tenancy policies and namespaces hold none). */
  static Stream<Path> exampleGrants() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(Path.of("examples"))) {
      for (Path file : walk.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        if (Files.readString(file).contains("kind: CrossAccountAccess\n")) {
          files.add(file);
        }
      }
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(6);
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("exampleGrants")
  void everyExampleRendersBothStacksTheirDocumentsAndASummary(Path example) throws Exception {
    Run run = render("", "-f", example.toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    JsonNode output = run.json();
    assertThat(output.get("grants")).isNotEmpty();
    for (JsonNode grant : output.get("grants")) {
      assertThat(grant.get("summary").asText()).contains(" may assume arn:aws:iam::");
      JsonNode role = grant.path("policies").path("production").path("role");
      assertThat(role.path("trustPolicy").path("Statement")).isNotEmpty();
      assertThat(role.path("policies")).isNotEmpty();
      assertThat(
              grant.path("policies").path("development").path("verifierRole").path("trustPolicy"))
          .isNotEmpty();
      String named = Files.readString(example).contains("stackName: ") ? named(example) : null;
      for (String side : List.of("production", "development")) {
        JsonNode stack = grant.path("stacks").path(side);
        if (named != null && side.equals("production")) {
          // A stack the runbook made, which the grant observes or takes over: its own name.
          assertThat(stack.path("stackName").asText()).isEqualTo(named);
        } else {
          assertThat(stack.path("stackName").asText())
              .startsWith("xaccess-")
              .endsWith(side.equals("production") ? "-prod" : "-dev");
        }
        assertThat(stack.path("parameters").path("AccessOpen").asText()).isEqualTo("true");
        assertThat(stack.path("templateBody").asText()).startsWith("AWSTemplateFormatVersion");
      }
    }
    assertThat(output.get("notCheckedOffline").toString()).contains("CEL");
  }

  /** The production.stackName an example sets. */
  private static String named(Path example) throws java.io.IOException {
    String text = Files.readString(example);
    int at = text.indexOf("stackName: ") + "stackName: ".length();
    return text.substring(at, text.indexOf('\n', at)).strip();
  }

  @Test
  void standardInputAndTheTextOutputGiveTheSummaryOnly() throws Exception {
    String manifest = Files.readString(Path.of("examples/hardened.yaml"));

    Run run = render(manifest, "-f", "-", "-o", "text");

    assertThat(run.status()).isZero();
    assertThat(run.out())
        .startsWith(
            "default/ci-publisher:\nPrincipals matching arn:aws:iam::222222222222:role/ci-runner"
                + " or arn:aws:iam::222222222222:role/release-* in account 222222222222 may assume"
                + " arn:aws:iam::111111111111:role/DevToProdS3Publisher for up to 1 h per session and"
                + " put and get objects under releases/ in bucket acme-prod-artifacts and list keys"
                + " under releases/ in bucket acme-prod-artifacts, from us-east-1 or ap-southeast-2"
                + " only, only inside organization o-a1b2c3d4e5, only with the external id <external"
                + " id: Secret ci-publisher-external-id key value>.")
        .doesNotContain("templateBody");
  }

  @Test
  void theNamespaceOfAManifestThatNamesNoneIsTheOptionsAndNamesTheStacks() throws Exception {
    Run run = render("", "-f", "examples/basic.yaml", "--namespace", "team-a");

    JsonNode grant = run.json().get("grants").get(0);
    assertThat(grant.get("grant").asText()).isEqualTo("team-a/basic");
    assertThat(grant.path("stacks").path("production").path("stackName").asText())
        .startsWith("xaccess-team-a-basic-");
  }

  @Test
  void aTimeBoxedGrantsSummarySaysWhenItEnds() throws Exception {
    assertThat(
            render(base() + "  ttl: 8h\n", "-f", "-")
                .json()
                .get("grants")
                .get(0)
                .get("summary")
                .asText())
        .endsWith(" The access ends 8 h after the grant is first Ready (spec.ttl).");
    assertThat(
            render(base() + "  expiresAt: \"2027-01-31T18:00:00Z\"\n", "-f", "-")
                .json()
                .get("grants")
                .get(0)
                .get("summary")
                .asText())
        .endsWith(" The access ends at 2027-01-31T18:00:00Z (spec.expiresAt).");
  }

  @Test
  void noExternalIdValueIsEverPrinted() throws Exception {
    String manifest = base() + "  trust:\n" + "    externalId: an-inline-external-id-4711\n";

    Run run = render(manifest, "-f", "-");

    assertThat(run.status()).isZero();
    assertThat(run.out()).doesNotContain("an-inline-external-id-4711");
    JsonNode grant = run.json().get("grants").get(0);
    String shown =
        grant.path("stacks").path("production").path("parameters").path("ExternalId").asText();
    assertThat(shown).startsWith("<external id: inline, sha256 ");
    assertThat(grant.path("policies").toString()).contains(shown);
    assertThat(grant.path("summary").asText()).contains("only with the external id " + shown);
  }

  @Test
  void theOperatorsOwnIdentityIsAStandInWhenNoDeployerRoleIsConfigured() throws Exception {
    Run run = render("", "-f", "examples/basic.yaml", "--deployer-role-name", "none");

    JsonNode grant = run.json().get("grants").get(0);
    assertThat(
            grant
                .path("stacks")
                .path("production")
                .path("parameters")
                .path("OperatorPrincipalArn")
                .asText())
        .isEqualTo("arn:aws:iam::111111111111:role/xaccess-operator-identity");
    assertThat(grant.path("assumptions").toString()).contains("GetCallerIdentity");
  }

  @Test
  void schemaProblemsNameTheirFieldsAndExitTwo() {
    String manifest =
        "apiVersion: xaccess.io/v1alpha1\n"
            + "kind: CrossAccountAccess\n"
            + "metadata: {name: broken}\n"
            + "spec:\n"
            + "  production: {accountId: \"111111111111\"}\n"
            + "  development: {accountId: 222222222222, region: us-east-1, principal: []}\n"
            + "  deletionPolicy: Forget\n";

    Run run = render(manifest, "-f", "-");

    assertThat(run.status()).isEqualTo(RenderCommand.INVALID);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains("CrossAccountAccess broken: spec.production.region: Required value")
        .contains(
            "CrossAccountAccess broken: spec.development.accountId: must be a string, got number")
        .contains("CrossAccountAccess broken: spec.development.principal: unknown field")
        .contains("CrossAccountAccess broken: spec.bucket: Required value")
        .contains("CrossAccountAccess broken: spec.deletionPolicy: Unsupported value \"Forget\"");
  }

  @Test
  void valuesCloudFormationWouldRefuseNameTheirFieldsAndExitTwo() {
    String manifest =
        "apiVersion: xaccess.io/v1alpha1\n"
            + "kind: CrossAccountAccess\n"
            + "metadata: {name: refused}\n"
            + "spec:\n"
            + "  production: {accountId: \"111111111111\", region: ap-southeast-2}\n"
            + "  development: {accountId: \"22222222222x\", region: us-east-1}\n"
            + "  bucket: {name: Not_A_Bucket, prefix: \"rel*/\"}\n"
            + "  role: {maxSessionDuration: 30m}\n"
            + "  sessionDuration: 30m\n";

    Run run = render(manifest, "-f", "-");

    assertThat(run.status()).isEqualTo(RenderCommand.INVALID);
    assertThat(run.err())
        .contains(
            "refused: spec.development.accountId: CloudFormation would refuse the production"
                + " stack's parameter DevelopmentAccountId: '22222222222x' does not match")
        .contains("refused: spec.bucket.name: CloudFormation would refuse")
        .contains("refused: spec.bucket.prefix: CloudFormation would refuse")
        .contains(
            "refused: spec.role.maxSessionDuration: CloudFormation would refuse the production"
                + " stack's parameter MaxSessionDurationSeconds: 1800 is below the minimum 3600");
  }

  @Test
  void aBadDurationIsNamed() {
    Run run = render(base() + "  sessionDuration: 1 hour\n", "-f", "-");

    assertThat(run.status()).isEqualTo(RenderCommand.INVALID);
    assertThat(run.err()).contains("spec.sessionDuration: '1 hour' is not a duration");
  }

  @Test
  void inputWithoutAGrantOrNotYamlOrMissingIsInvalid() {
    assertThat(render("", "-f", "examples/policy-local.yaml").err())
        .contains("no CrossAccountAccess");
    assertThat(render("a: [b\n", "-f", "-").err()).contains("not YAML");
    Run missing = render("", "-f", "does-not-exist.yaml");
    assertThat(missing.status()).isEqualTo(RenderCommand.INVALID);
    assertThat(missing.err()).contains("no such file: does-not-exist.yaml");
    Run otherVersion = render(base().replace("xaccess.io/v1alpha1", "xaccess.io/v1"), "-f", "-");
    assertThat(otherVersion.err()).contains("apiVersion \"xaccess.io/v1\" is not served");
  }

  @Test
  void usageErrorsExitTwoAndHelpExitsZero() {
    assertThat(render("", "--bogus").status()).isEqualTo(RenderCommand.INVALID);
    assertThat(render("").err()).contains("-f FILE");
    assertThat(render("", "-f", "-", "--diff", "-").status()).isEqualTo(RenderCommand.INVALID);
    assertThat(render("", "-o", "yaml", "-f", "x").err()).contains("--output must be json or text");
    Run help = render("", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("Usage: xaccess render -f FILE|-");
  }

  /** A valid grant, for cases to add to. */
  static String base() {
    return "apiVersion: xaccess.io/v1alpha1\n"
        + "kind: CrossAccountAccess\n"
        + "metadata: {name: ci-publisher, namespace: platform}\n"
        + "spec:\n"
        + "  production: {accountId: \"111111111111\", region: ap-southeast-2}\n"
        + "  development:\n"
        + "    accountId: \"222222222222\"\n"
        + "    region: us-east-1\n"
        + "  bucket: {name: acme-prod-artifacts}\n";
  }
}
