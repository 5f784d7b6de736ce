package io.xaccess.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What an IAM policy document means, with everything that does not change its meaning taken out:
 * statement order, a single value against a one-item list, the order of values and keys,
 * whitespace, the case of action names and condition keys (IAM compares both without case), an
 * account id against its {@code :root} ARN as a principal, and the Sid (a label). Two documents of
 * the same meaning have equal {@link #statements()}; that is how drift is told from a re-serialised
 * document (IAM and S3 hand policies back reformatted, and IAM URL-encoded), so an equivalent
 * document is never "repaired" in a loop.
 *
 * @param version the document's Version, empty when absent
 * @param statements the statements, in a stable order
 */
public record PolicyMeaning(String version, List<Statement> statements) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

  /**
   * One statement's meaning. Every field is sorted; fields a statement does not have are empty.
   *
   * @param sid the Sid, for reports only: not part of {@link #equals}
   */
  public record Statement(
      String sid,
      String effect,
      SortedSet<String> principals,
      SortedSet<String> notPrincipals,
      SortedSet<String> actions,
      SortedSet<String> notActions,
      SortedSet<String> resources,
      SortedSet<String> notResources,
      SortedMap<String, SortedSet<String>> conditions) {

    /** Same meaning: everything but the Sid. */
    @Override
    public boolean equals(Object other) {
      return other instanceof Statement s
          && effect.equals(s.effect)
          && principals.equals(s.principals)
          && notPrincipals.equals(s.notPrincipals)
          && actions.equals(s.actions)
          && notActions.equals(s.notActions)
          && resources.equals(s.resources)
          && notResources.equals(s.notResources)
          && conditions.equals(s.conditions);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(
          effect,
          principals,
          notPrincipals,
          actions,
          notActions,
          resources,
          notResources,
          conditions);
    }

    /** Its name in a report: the Sid, or what it does when it has none. */
    public String label() {
      if (!sid.isEmpty()) {
        return "statement " + sid;
      }
      SortedSet<String> what = actions.isEmpty() ? notActions : actions;
      return "statement " + effect + " " + String.join(", ", what);
    }
  }

  /** The meaning of a document given as text: JSON, or URL-encoded JSON as IAM returns it. */
  public static PolicyMeaning parse(String document, String partition) {
    String text = document.strip();
    if (text.startsWith("%")) {
      text = URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
    try {
      return of(JSON.readTree(text), partition);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON policy document: " + e.getOriginalMessage());
    }
  }

  /** The meaning of a decoded document. */
  public static PolicyMeaning of(JsonNode document, String partition) {
    List<Statement> statements = new ArrayList<>();
    JsonNode list = document.path("Statement");
    for (JsonNode s : list.isArray() ? list : List.of(list)) {
      // An emulator leaves a null where a template's Fn::If gave AWS::NoValue; AWS drops it.
      if (s.isMissingNode() || s.isNull()) {
        continue;
      }
      statements.add(statement(s, partition));
    }
    statements.sort((a, b) -> key(a).compareTo(key(b)));
    return new PolicyMeaning(document.path("Version").asText(""), List.copyOf(statements));
  }

  /** Same meaning as {@code other}. */
  public boolean sameAs(PolicyMeaning other) {
    // Both lists are sorted by everything but the Sid, so equal meanings line up item by item.
    return versionMatches(other) && statements.equals(other.statements);
  }

  boolean versionMatches(PolicyMeaning other) {
    return version.isEmpty() || other.version.isEmpty() || version.equals(other.version);
  }

  private static String key(Statement s) {
    return String.join(
        "|",
        s.effect,
        s.actions.toString(),
        s.notActions.toString(),
        s.resources.toString(),
        s.notResources.toString(),
        s.principals.toString(),
        s.notPrincipals.toString(),
        s.conditions.toString());
  }

  private static Statement statement(JsonNode s, String partition) {
    return new Statement(
        s.path("Sid").asText(""),
        s.path("Effect").asText(""),
        principals(s.path("Principal"), partition),
        principals(s.path("NotPrincipal"), partition),
        lowerCase(strings(s.path("Action"))),
        lowerCase(strings(s.path("NotAction"))),
        strings(s.path("Resource")),
        strings(s.path("NotResource")),
        conditions(s.path("Condition")));
  }

  /** {@code TYPE:value}; {@code "*"} and {@code {"AWS": "*"}} are the same principal. */
  private static SortedSet<String> principals(JsonNode node, String partition) {
    SortedSet<String> out = new TreeSet<>();
    if (node.isTextual()) {
      out.add("AWS:" + node.asText());
    } else if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e ->
                  strings(e.getValue())
                      .forEach(
                          p -> out.add(e.getKey() + ":" + principal(e.getKey(), p, partition))));
    }
    return out;
  }

  private static String principal(String type, String value, String partition) {
    if (type.equals("AWS") && ACCOUNT_ID.matcher(value).matches()) {
      return "arn:" + partition + ":iam::" + value + ":root";
    }
    return value;
  }

  /** {@code Operator key} (the key in lower case) to its values; an empty value list is none. */
  private static SortedMap<String, SortedSet<String>> conditions(JsonNode node) {
    SortedMap<String, SortedSet<String>> out = new TreeMap<>();
    node.fields()
        .forEachRemaining(
            (Map.Entry<String, JsonNode> operator) ->
                operator
                    .getValue()
                    .fields()
                    .forEachRemaining(
                        key -> {
                          SortedSet<String> values = strings(key.getValue());
                          // An emulator leaves null for a key a template's Fn::If removed.
                          if (!values.isEmpty()) {
                            out.put(
                                operator.getKey() + " " + key.getKey().toLowerCase(Locale.ROOT),
                                values);
                          }
                        }));
    return out;
  }

  private static SortedSet<String> lowerCase(SortedSet<String> values) {
    SortedSet<String> out = new TreeSet<>();
    values.forEach(v -> out.add(v.toLowerCase(Locale.ROOT)));
    return out;
  }

  private static SortedSet<String> strings(JsonNode node) {
    SortedSet<String> values = new TreeSet<>();
    if (node.isArray()) {
      node.forEach(
          v -> {
            if (!v.isNull() && !v.isMissingNode()) {
              values.add(v.asText());
            }
          });
    } else if (!node.isMissingNode() && !node.isNull()) {
      values.add(node.asText());
    }
    return values;
  }

  static <T> SortedSet<T> minus(SortedSet<T> a, SortedSet<T> b) {
    SortedSet<T> out = new TreeSet<>(a);
    out.removeAll(b);
    return Collections.unmodifiableSortedSet(out);
  }
}
