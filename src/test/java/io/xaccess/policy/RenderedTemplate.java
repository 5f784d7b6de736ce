package io.xaccess.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.xaccess.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template as CloudFormation would see it for given parameters: cfn-lint's decoder turns the YAML
 * (short-form intrinsics) into JSON, then Ref, Fn::Sub, Fn::If, Fn::Join, Fn::GetAtt, the condition
 * functions and AWS::NoValue are resolved — enough for the policy documents the xaccess templates
 * render, which is what the policy matrix evaluates.
 */
public final class RenderedTemplate {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode NO_VALUE = JsonNodeFactory.instance.missingNode();
  private static final Pattern SUB = Pattern.compile("\\$\\{([^}]+)}");

  private final JsonNode template;
  private final Map<String, String> parameters;
  private final Map<String, String> attributes;
  private final Map<String, Boolean> conditions = new HashMap<>();

  /**
   * @param parameters the stack parameters (comma-delimited lists as CloudFormation takes them)
   * @param attributes values for Fn::GetAtt, keyed {@code Resource.Attribute}, and for a Ref to a
   *     resource, keyed {@code Resource.Ref}
   */
  public RenderedTemplate(
      Path file,
      String accountId,
      String region,
      Map<String, String> parameters,
      Map<String, String> attributes)
      throws Exception {
    this.template = decode(file);
    this.parameters = new HashMap<>(parameters);
    this.parameters.put("AWS::AccountId", accountId);
    this.parameters.put("AWS::Region", region);
    this.parameters.put("AWS::Partition", "aws");
    this.parameters.put("AWS::URLSuffix", "amazonaws.com");
    this.attributes = attributes;
  }

  /** Whether a resource is created (its Condition holds). */
  public boolean exists(String logicalId) {
    JsonNode condition = template.path("Resources").path(logicalId).path("Condition");
    return !template.path("Resources").path(logicalId).isMissingNode()
        && (condition.isMissingNode() || condition(condition.asText()));
  }

  /** A resource property, resolved. */
  public JsonNode property(String logicalId, String property) {
    return resolve(template.path("Resources").path(logicalId).path("Properties").path(property));
  }

  /** Logical ids of resources of a type that exist. */
  List<String> resourcesOfType(String type) {
    List<String> ids = new java.util.ArrayList<>();
    template
        .path("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              if (type.equals(e.getValue().path("Type").asText()) && exists(e.getKey())) {
                ids.add(e.getKey());
              }
            });
    return ids;
  }

  private boolean condition(String name) {
    return conditions.computeIfAbsent(name, n -> truth(template.path("Conditions").path(n)));
  }

  private boolean truth(JsonNode node) {
    if (node.has("Fn::Equals")) {
      return text(resolve(node.get("Fn::Equals").get(0)))
          .equals(text(resolve(node.get("Fn::Equals").get(1))));
    }
    if (node.has("Fn::Not")) {
      return !truth(node.get("Fn::Not").get(0));
    }
    if (node.has("Fn::And")) {
      for (JsonNode part : node.get("Fn::And")) {
        if (!truth(part)) {
          return false;
        }
      }
      return true;
    }
    if (node.has("Fn::Or")) {
      for (JsonNode part : node.get("Fn::Or")) {
        if (truth(part)) {
          return true;
        }
      }
      return false;
    }
    if (node.has("Condition")) {
      return condition(node.get("Condition").asText());
    }
    throw new IllegalArgumentException("not a condition: " + node);
  }

  private JsonNode resolve(JsonNode node) {
    if (node.isObject() && node.size() == 1) {
      String fn = node.fieldNames().next();
      JsonNode arg = node.get(fn);
      switch (fn) {
        case "Ref":
          return ref(arg.asText());
        case "Fn::Sub":
          return TextNode.valueOf(sub(arg.asText()));
        case "Fn::If":
          return resolve(condition(arg.get(0).asText()) ? arg.get(1) : arg.get(2));
        case "Fn::Join":
          List<String> parts = new java.util.ArrayList<>();
          resolve(arg.get(1)).forEach(p -> parts.add(p.asText()));
          return TextNode.valueOf(String.join(arg.get(0).asText(), parts));
        case "Fn::GetAtt":
          String key =
              arg.isArray() ? arg.get(0).asText() + "." + arg.get(1).asText() : arg.asText();
          return TextNode.valueOf(require(attributes, key));
        default:
          break;
      }
    }
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = resolve(field.getValue());
        if (!value.isMissingNode()) {
          out.set(field.getKey(), value);
        }
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.forEach(
          item -> {
            JsonNode value = resolve(item);
            if (!value.isMissingNode()) {
              out.add(value);
            }
          });
      return out;
    }
    return node;
  }

  private JsonNode ref(String name) {
    if ("AWS::NoValue".equals(name)) {
      return NO_VALUE;
    }
    if (template.path("Resources").has(name)) {
      return TextNode.valueOf(require(attributes, name + ".Ref"));
    }
    JsonNode declared = template.path("Parameters").path(name);
    String value = parameter(name);
    if ("CommaDelimitedList".equals(declared.path("Type").asText())) {
      ArrayNode list = JSON.createArrayNode();
      if (!value.isEmpty()) {
        for (String item : value.split(",")) {
          list.add(item);
        }
      }
      return list;
    }
    return TextNode.valueOf(value);
  }

  private String sub(String text) {
    Matcher m = SUB.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = name.contains(".") ? require(attributes, name) : parameter(name);
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A parameter's value: the one given, else the template's Default. */
  private String parameter(String name) {
    JsonNode fallback = template.path("Parameters").path(name).path("Default");
    if (!parameters.containsKey(name) && fallback.isValueNode()) {
      return fallback.asText();
    }
    return require(parameters, name);
  }

  /**
   * Whether CloudFormation would take {@code value} for {@code parameter}: its AllowedPattern
   * matches the whole value, or for a CommaDelimitedList each item.
   */
  boolean accepts(String parameter, String value) {
    JsonNode declared = template.path("Parameters").path(parameter);
    if (declared.isMissingNode()) {
      throw new IllegalArgumentException("no parameter " + parameter);
    }
    JsonNode pattern = declared.path("AllowedPattern");
    if (pattern.isMissingNode()) {
      return true;
    }
    List<String> items =
        "CommaDelimitedList".equals(declared.path("Type").asText())
            ? List.of(value.split(",", -1))
            : List.of(value);
    return items.stream().allMatch(item -> Pattern.matches(pattern.asText(), item));
  }

  private static String text(JsonNode node) {
    if (node.isArray()) {
      List<String> parts = new java.util.ArrayList<>();
      node.forEach(p -> parts.add(p.asText()));
      return String.join(",", parts);
    }
    return node.asText();
  }

  private static String require(Map<String, String> map, String key) {
    String value = map.get(key);
    if (value == null) {
      throw new IllegalArgumentException("no value for " + key);
    }
    return value;
  }

  /** The template as JSON with long-form intrinsics, by cfn-lint's own decoder. */
  private static JsonNode decode(Path file) throws Exception {
    Process process =
        new ProcessBuilder(
                MotoServer.toolsDir().resolve("venv/bin/python").toString(),
                "-c",
                "import json,sys\nfrom cfnlint.decode import decode_str\n"
                    + "t,m=decode_str(open(sys.argv[1]).read())\nassert not m, m\nprint(json.dumps(t))",
                file.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String json = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("could not decode " + file);
    }
    return JSON.readTree(json);
  }
}
