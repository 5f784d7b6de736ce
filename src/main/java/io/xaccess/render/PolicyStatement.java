package io.xaccess.render;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One statement of an IAM policy document, its string-or-list fields made lists: what {@link
 * EffectiveAccess} reads facts from.
 *
 * @param sid the Sid, empty when none
 * @param effect Allow or Deny
 * @param principals {@code AWS:<arn>}, {@code Service:<host>} or {@code *}; empty in an identity
 *     policy
 * @param actions the actions
 * @param resources the resources; empty in a trust policy
 * @param conditions the conditions, in document order
 */
record PolicyStatement(
    String sid,
    String effect,
    List<String> principals,
    List<String> actions,
    List<String> resources,
    List<Condition> conditions) {

  /** One condition: an operator, a key and the values any of which satisfies it. */
  record Condition(String operator, String key, List<String> values) {
    @Override
    public String toString() {
      return operator
          + " "
          + key
          + " "
          + (values.size() == 1 ? values.get(0) : "[" + String.join(", ", values) + "]");
    }
  }

  /** The statements of a document. */
  static List<PolicyStatement> of(JsonNode document) {
    List<PolicyStatement> statements = new ArrayList<>();
    JsonNode list = document.path("Statement");
    for (JsonNode s : list.isArray() ? list : List.of(list)) {
      if (s.isMissingNode()) {
        continue;
      }
      List<String> principals = new ArrayList<>();
      JsonNode principal = s.path("Principal");
      if (principal.isTextual()) {
        principals.add(principal.asText());
      } else {
        principal
            .fields()
            .forEachRemaining(
                e -> strings(e.getValue()).forEach(p -> principals.add(e.getKey() + ":" + p)));
      }
      List<Condition> conditions = new ArrayList<>();
      s.path("Condition")
          .fields()
          .forEachRemaining(
              (Map.Entry<String, JsonNode> op) ->
                  op.getValue()
                      .fields()
                      .forEachRemaining(
                          key ->
                              conditions.add(
                                  new Condition(
                                      op.getKey(), key.getKey(), strings(key.getValue())))));
      statements.add(
          new PolicyStatement(
              s.path("Sid").asText(""),
              s.path("Effect").asText(),
              principals,
              strings(s.path("Action")),
              strings(s.path("Resource")),
              conditions));
    }
    return statements;
  }

  boolean allows() {
    return "Allow".equals(effect);
  }

  /** The values of a condition on {@code key} with {@code operator}, empty when it has none. */
  List<String> condition(String operator, String key) {
    return conditions.stream()
        .filter(c -> c.operator().equals(operator) && c.key().equals(key))
        .findFirst()
        .map(Condition::values)
        .orElse(List.of());
  }

  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(v -> values.add(v.asText()));
    } else if (!node.isMissingNode() && !node.isNull()) {
      values.add(node.asText());
    }
    return values;
  }
}
