package io.xaccess.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IAM documents a grant's two stacks create, as CloudFormation resolves them: what {@code
 * xaccess render} prints, what the policy matrix evaluates and what {@link EffectiveAccess} reads.
 *
 * @param roleArn the production role
 * @param maxSessionSeconds the production role's MaxSessionDuration
 * @param permissionsBoundary the production role's permissions boundary, empty for none
 * @param roleTrust the production role's trust policy
 * @param rolePolicies the production role's policies, by PolicyName, in template order
 * @param bucketPolicy the bucket policy, when the stack manages it
 * @param keyPolicy the key policy, when the stack creates the key
 * @param assumePolicy the development managed policy allowing sts:AssumeRole on the role
 * @param assumePolicyRoles development roles it is attached to
 * @param assumePolicyUsers development users it is attached to
 * @param verifierTrust the operator's verifier role's trust policy
 * @param verifierPolicies the verifier role's inline policies, by PolicyName
 * @param assumerTrust the optional assumer role's trust policy
 * @param assumerPolicies the assumer role's inline policies, by PolicyName
 */
public record EffectivePolicies(
    String roleArn,
    long maxSessionSeconds,
    String permissionsBoundary,
    JsonNode roleTrust,
    Map<String, JsonNode> rolePolicies,
    Optional<JsonNode> bucketPolicy,
    Optional<JsonNode> keyPolicy,
    Optional<JsonNode> assumePolicy,
    List<String> assumePolicyRoles,
    List<String> assumePolicyUsers,
    JsonNode verifierTrust,
    Map<String, JsonNode> verifierPolicies,
    Optional<JsonNode> assumerTrust,
    Map<String, JsonNode> assumerPolicies) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** As printed by render: one object per account, null where a document does not exist. */
  public JsonNode toJson() {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode production = out.putObject("production");
    ObjectNode role = production.putObject("role");
    role.put("arn", roleArn);
    role.put("maxSessionDurationSeconds", maxSessionSeconds);
    role.put("permissionsBoundary", permissionsBoundary.isEmpty() ? null : permissionsBoundary);
    role.set("trustPolicy", roleTrust);
    role.set("policies", JSON.valueToTree(rolePolicies));
    production.set("bucketPolicy", bucketPolicy.orElse(null));
    production.set("keyPolicy", keyPolicy.orElse(null));
    ObjectNode development = out.putObject("development");
    ObjectNode assume = development.putObject("assumePolicy");
    assume.set("document", assumePolicy.orElse(null));
    assume.set("attachedToRoles", JSON.valueToTree(assumePolicyRoles));
    assume.set("attachedToUsers", JSON.valueToTree(assumePolicyUsers));
    ObjectNode verifier = development.putObject("verifierRole");
    verifier.set("trustPolicy", verifierTrust);
    verifier.set("policies", JSON.valueToTree(verifierPolicies));
    if (assumerTrust.isPresent()) {
      ObjectNode assumer = development.putObject("assumerRole");
      assumer.set("trustPolicy", assumerTrust.get());
      assumer.set("policies", JSON.valueToTree(assumerPolicies));
    } else {
      development.putNull("assumerRole");
    }
    return out;
  }
}
