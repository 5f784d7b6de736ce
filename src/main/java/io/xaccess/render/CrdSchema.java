package io.xaccess.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The structural part of the CrossAccountAccess CRD's OpenAPI schema (crds/, generated from the API
 * types), applied offline as the API server applies it: unknown fields, types, required fields,
 * enums, patterns, lengths and item counts are refused with the field's path, and schema defaults
 * are filled in. The CRD's CEL rules (x-kubernetes-validations) are not evaluated: no CEL
 * interpreter runs offline, so a manifest that passes here may still be refused at admission.
 */
final class CrdSchema {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CRD = "/crds/crossaccountaccesses.xaccess.io-v1.yml";

  /** Fields the API server sets or accepts on any object; not part of the CRD's own schema. */
  private static final Set<String> OBJECT_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private final JsonNode schema;

  private CrdSchema(JsonNode schema) {
    this.schema = schema;
  }

  /** The schema of the CRD shipped in the jar, for {@code version}. */
  static CrdSchema forVersion(String version) {
    try (InputStream in = CrdSchema.class.getResourceAsStream(CRD)) {
      if (in == null) {
        throw new IllegalStateException(CRD + " is missing from the jar");
      }
      Object crd =
          new Load(LoadSettings.builder().build())
              .loadFromString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      for (JsonNode v : JSON.valueToTree(crd).path("spec").path("versions")) {
        if (version.equals(v.path("name").asText())) {
          return new CrdSchema(v.path("schema").path("openAPIV3Schema"));
        }
      }
      throw new IllegalStateException("the CRD has no version " + version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The problems of {@code object} (a whole manifest), each starting with its field path; empty
   * when the schema accepts it. Fills in the schema's defaults as it goes.
   */
  List<String> validate(ObjectNode object) {
    List<String> problems = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (OBJECT_FIELDS.contains(field.getKey())) {
        continue;
      }
      JsonNode declared = schema.path("properties").path(field.getKey());
      if (declared.isMissingNode()) {
        problems.add(field.getKey() + ": unknown field");
      } else {
        check(field.getValue(), declared, field.getKey(), problems);
      }
    }
    if (!object.has("spec")) {
      problems.add("spec: Required value");
    }
    return problems;
  }

  private void check(JsonNode value, JsonNode declared, String path, List<String> problems) {
    if (value.isNull()) {
      if (!declared.path("nullable").asBoolean(false)) {
        problems.add(path + ": must not be null");
      }
      return;
    }
    String type = declared.path("type").asText();
    switch (type) {
      case "object" -> object(value, declared, path, problems);
      case "array" -> array(value, declared, path, problems);
      case "string" -> {
        if (!value.isTextual()) {
          problems.add(path + ": must be a string, got " + kind(value));
          return;
        }
        string(value.asText(), declared, path, problems);
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          problems.add(path + ": must be an integer, got " + kind(value));
        } else {
          range(value.asLong(), declared, path, problems);
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          problems.add(path + ": must be a number, got " + kind(value));
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(path + ": must be a boolean (true or false), got " + kind(value));
        }
      }
      default -> {
        // x-kubernetes-preserve-unknown-fields or int-or-string: anything goes here
      }
    }
    JsonNode allowed = declared.path("enum");
    if (allowed.isArray() && !contains(allowed, value)) {
      problems.add(path + ": Unsupported value " + value + ": supported values: " + allowed);
    }
  }

  private void object(JsonNode value, JsonNode declared, String path, List<String> problems) {
    if (!value.isObject()) {
      problems.add(path + ": must be an object, got " + kind(value));
      return;
    }
    ObjectNode object = (ObjectNode) value;
    JsonNode properties = declared.path("properties");
    boolean open =
        declared.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
            || declared.has("additionalProperties");
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode property = properties.path(field.getKey());
      if (!property.isMissingNode()) {
        check(field.getValue(), property, path + "." + field.getKey(), problems);
      } else if (declared.path("additionalProperties").isObject()) {
        check(
            field.getValue(),
            declared.get("additionalProperties"),
            path + "." + field.getKey(),
            problems);
      } else if (!open) {
        problems.add(path + "." + field.getKey() + ": unknown field");
      }
    }
    // The API server defaults absent fields, then checks required ones.
    properties
        .fields()
        .forEachRemaining(
            p -> {
              if (!object.has(p.getKey()) && p.getValue().has("default")) {
                object.set(p.getKey(), p.getValue().get("default").deepCopy());
              }
            });
    for (JsonNode required : declared.path("required")) {
      if (!object.has(required.asText())) {
        problems.add(path + "." + required.asText() + ": Required value");
      }
    }
  }

  private void array(JsonNode value, JsonNode declared, String path, List<String> problems) {
    if (!value.isArray()) {
      problems.add(path + ": must be a list, got " + kind(value));
      return;
    }
    if (declared.has("maxItems") && value.size() > declared.get("maxItems").asInt()) {
      problems.add(path + ": must have at most " + declared.get("maxItems").asInt() + " items");
    }
    if (declared.has("minItems") && value.size() < declared.get("minItems").asInt()) {
      problems.add(path + ": must have at least " + declared.get("minItems").asInt() + " items");
    }
    if ("set".equals(declared.path("x-kubernetes-list-type").asText())) {
      Set<JsonNode> seen = new HashSet<>();
      for (JsonNode item : value) {
        if (!seen.add(item)) {
          problems.add(path + ": Duplicate value: " + item);
        }
      }
    }
    for (int i = 0; i < value.size(); i++) {
      check(value.get(i), declared.path("items"), path + "[" + i + "]", problems);
    }
  }

  private static void string(String value, JsonNode declared, String path, List<String> problems) {
    if (declared.has("maxLength") && value.length() > declared.get("maxLength").asInt()) {
      problems.add(
          path + ": may not be more than " + declared.get("maxLength").asInt() + " characters");
    }
    if (declared.has("minLength") && value.length() < declared.get("minLength").asInt()) {
      problems.add(
          path + ": should be at least " + declared.get("minLength").asInt() + " characters");
    }
    if (declared.has("pattern")
        && !Pattern.compile(declared.get("pattern").asText()).matcher(value).find()) {
      problems.add(
          path + ": '" + value + "' should match '" + declared.get("pattern").asText() + "'");
    }
  }

  private static void range(long value, JsonNode declared, String path, List<String> problems) {
    if (declared.has("minimum") && value < declared.get("minimum").asLong()) {
      problems.add(path + ": should be greater than or equal to " + declared.get("minimum"));
    }
    if (declared.has("maximum") && value > declared.get("maximum").asLong()) {
      problems.add(path + ": should be less than or equal to " + declared.get("maximum"));
    }
  }

  private static boolean contains(JsonNode allowed, JsonNode value) {
    for (JsonNode a : allowed) {
      if (a.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String kind(JsonNode value) {
    return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
