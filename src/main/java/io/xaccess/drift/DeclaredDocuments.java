package io.xaccess.drift;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaccess.render.EffectivePolicies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The production policy documents a grant's stack declares, by the resource that holds each, as the
 * drift check compares them with what AWS holds: the role's trust, each of the role's inline
 * policies (by name; one the stack does not declare is drift too), the bucket policy when the stack
 * manages it and the key policy when it creates the key. Taken from the stack's template evaluated
 * with its parameters ({@link io.xaccess.render.RenderedGrant}), so "declared" means exactly what
 * CloudFormation applied.
 *
 * @param roleName the production role
 * @param trust its trust policy
 * @param rolePolicies its inline policies, by PolicyName
 * @param bucketName the bucket
 * @param bucketPolicy the bucket policy, when the stack manages it
 * @param keyPolicy the key policy, when the stack creates the key
 */
public record DeclaredDocuments(
    String roleName,
    JsonNode trust,
    Map<String, JsonNode> rolePolicies,
    String bucketName,
    Optional<JsonNode> bucketPolicy,
    Optional<JsonNode> keyPolicy) {

  /** One document that does not hold what the stack declares. */
  public record Finding(String resource, List<String> changes) {
    /** In a line: {@code trust policy of role X: statement ...; statement ...}. */
    public String message() {
      return resource + ": " + String.join("; ", changes);
    }
  }

  /** What AWS holds, read back; empty where the document does not exist. */
  public record Live(
      String trust,
      Map<String, String> rolePolicies,
      Optional<String> bucketPolicy,
      Optional<String> keyPolicy) {}

  public static DeclaredDocuments of(EffectivePolicies policies, String bucketName) {
    String arn = policies.roleArn();
    return new DeclaredDocuments(
        arn.substring(arn.lastIndexOf('/') + 1),
        policies.roleTrust(),
        new LinkedHashMap<>(policies.rolePolicies()),
        bucketName,
        policies.bucketPolicy(),
        policies.keyPolicy());
  }

  /** Each document that changed in meaning, with what changed; empty when nothing drifted. */
  public List<Finding> compare(Live live, String partition) {
    List<Finding> out = new ArrayList<>();
    String role = "role " + roleName;
    document(
        out, "trust policy of " + role, Optional.of(trust), Optional.of(live.trust()), partition);
    rolePolicies.forEach(
        (name, declared) ->
            document(
                out,
                "policy " + name + " of " + role,
                Optional.of(declared),
                Optional.ofNullable(live.rolePolicies().get(name)),
                partition));
    live.rolePolicies().keySet().stream()
        .filter(name -> !rolePolicies.containsKey(name))
        .sorted()
        .forEach(
            name ->
                out.add(
                    new Finding(
                        "policy " + name + " of " + role,
                        List.of(
                            "added: "
                                + summary(
                                    PolicyMeaning.parse(
                                        live.rolePolicies().get(name), partition))))));
    document(out, "bucket policy of " + bucketName, bucketPolicy, live.bucketPolicy(), partition);
    document(out, "key policy of bucket " + bucketName, keyPolicy, live.keyPolicy(), partition);
    return List.copyOf(out);
  }

  private static void document(
      List<Finding> out,
      String resource,
      Optional<JsonNode> declared,
      Optional<String> live,
      String partition) {
    if (declared.isEmpty()) {
      return; // not the stack's: a bucket policy it does not manage is the bucket owner's
    }
    if (live.isEmpty()) {
      out.add(new Finding(resource, List.of("deleted")));
      return;
    }
    List<String> changes =
        PolicyDrift.changes(
            PolicyMeaning.of(declared.get(), partition),
            PolicyMeaning.parse(live.get(), partition));
    if (!changes.isEmpty()) {
      out.add(new Finding(resource, changes));
    }
  }

  private static String summary(PolicyMeaning document) {
    List<String> statements = new ArrayList<>();
    document.statements().forEach(s -> statements.add(PolicyDrift.describe(s)));
    return statements.isEmpty() ? "no statement" : String.join(", ", statements);
  }
}
