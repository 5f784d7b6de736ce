package io.xaccess.lifetime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.cloudformation.StackTemplate;
import io.xaccess.render.RenderedTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * A grant's two stacks as moto holds them, read from moto directly: their parameters, and the
 * templates rendered with them — the documents CloudFormation applies. moto stores an update's
 * parameters but applies nothing they switch by condition (MOTO.md), so the closed trust, the
 * removed assume policy and the revocation deny are read from the rendering.
 */
public record DeployedStacks(
    Map<String, String> production,
    Map<String, String> development,
    RenderedTemplate prod,
    RenderedTemplate dev) {

  /** The stacks of grant {@code namespace/name}, through each account's CloudFormation. */
  public static DeployedStacks read(
      CloudFormationClient productionCfn,
      CloudFormationClient developmentCfn,
      String namespace,
      String name)
      throws Exception {
    Map<String, String> production =
        parameters(productionCfn, StackNames.production(namespace, name));
    Map<String, String> development =
        parameters(developmentCfn, StackNames.development(namespace, name));
    return new DeployedStacks(
        production,
        development,
        RenderedTemplate.of(
            StackTemplate.PRODUCTION,
            "111111111111",
            "ap-southeast-2",
            "aws",
            production,
            Map.of()),
        RenderedTemplate.of(
            StackTemplate.DEVELOPMENT, "222222222222", "us-east-1", "aws", development, Map.of()));
  }

  /** The Allow statements of the production role's trust, as CloudFormation applies it. */
  public List<JsonNode> trustAllows() {
    return allowStatements(prod.property("Role", "AssumeRolePolicyDocument"));
  }

  /** The aws:TokenIssueTime bound of the role's revocation deny, as CloudFormation applies it. */
  public String revocationBound() {
    assertThat(prod.exists("RevokedSessionsPolicy")).isTrue();
    JsonNode policy = prod.property("RevokedSessionsPolicy", "PolicyDocument");
    JsonNode statement = policy.path("Statement");
    statement = statement.isArray() ? statement.get(0) : statement;
    assertThat(statement.path("Effect").asText()).isEqualTo("Deny");
    assertThat(statement.path("Action").asText()).isEqualTo("*");
    return statement.path("Condition").path("DateLessThan").path("aws:TokenIssueTime").asText();
  }

  /**
   * Closed as at expiry: the production role trusts no development principal and denies sessions
   * issued before {@code revokedBefore}; the development stack has no assume policy and the
   * verifier no permission to assume the role.
   */
  public void assertClosed(String revokedBefore) {
    assertThat(production.get("AccessOpen")).isEqualTo("false");
    assertThat(development.get("AccessOpen")).isEqualTo("false");
    JsonNode trust = prod.property("Role", "AssumeRolePolicyDocument");
    assertThat(allowStatements(trust)).as(trust.toString()).isEmpty();
    assertThat(trust.toString()).doesNotContain("222222222222");
    assertThat(revocationBound()).isEqualTo(revokedBefore);
    assertThat(prod.exists("ExpiredSessionsPolicy"))
        .as("while expired, every session is denied, also one issued after closedAt")
        .isTrue();
    assertThat(prod.property("ExpiredSessionsPolicy", "PolicyDocument").toString())
        .contains("DenyEverySessionWhileExpired")
        .doesNotContain("Condition");
    assertThat(dev.exists("AssumePolicy")).isFalse();
    assertThat(dev.property("VerifierRole", "Policies").isMissingNode()).isTrue();
  }

  /** The statements of {@code policy} that allow. */
  public static List<JsonNode> allowStatements(JsonNode policy) {
    List<JsonNode> allows = new ArrayList<>();
    JsonNode statements = policy.path("Statement");
    for (JsonNode s : statements.isArray() ? statements : List.of(statements)) {
      if ("Allow".equals(s.path("Effect").asText())) {
        allows.add(s);
      }
    }
    return allows;
  }

  /** A stack's parameters as moto shows them (list parameters in Python form, MOTO.md). */
  public static Map<String, String> parameters(CloudFormationClient cfn, String stack) {
    Map<String, String> parameters = new HashMap<>();
    cfn.describeStacks(r -> r.stackName(stack))
        .stacks()
        .get(0)
        .parameters()
        .forEach(p -> parameters.put(p.parameterKey(), p.parameterValue()));
    return parameters;
  }
}
