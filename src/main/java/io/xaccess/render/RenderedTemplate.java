package io.xaccess.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.xaccess.cloudformation.StackTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template as CloudFormation would see it for given parameters: the short-form YAML decoded
 * ({@link CloudFormationYaml}), then Ref, Fn::Sub, Fn::If, Fn::Join, Fn::Select, Fn::Split,
 * Fn::FindInMap, Fn::Base64, Fn::GetAtt, the condition functions and AWS::NoValue resolved — enough
 * for every policy document the xaccess templates (and the deployer templates) create. What {@code
 * xaccess render} prints and what the policy matrix evaluates both come from here.
 */
public final class RenderedTemplate {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode NO_VALUE = JsonNodeFactory.instance.missingNode();
  private static final Pattern SUB = Pattern.compile("\\$\\{([^}!][^}]*)}");

  private final JsonNode template;
  private final Map<String, String> parameters;
  private final Map<String, String> attributes;
  private final Map<String, Boolean> conditions = new HashMap<>();

  /**
   * @param template the template, decoded
   * @param parameters the stack parameters (comma-delimited lists as CloudFormation takes them)
   * @param attributes values for Fn::GetAtt, keyed {@code Resource.Attribute}, and for a Ref to a
   *     resource, keyed {@code Resource.Ref}
   */
  public RenderedTemplate(
      JsonNode template,
      String accountId,
      String region,
      String partition,
      Map<String, String> parameters,
      Map<String, String> attributes) {
    this.template = template;
    this.parameters = new HashMap<>(parameters);
    this.parameters.put("AWS::AccountId", accountId);
    this.parameters.put("AWS::Region", region);
    this.parameters.put("AWS::Partition", partition);
    this.parameters.put(
        "AWS::URLSuffix", partition.equals("aws-cn") ? "amazonaws.com.cn" : "amazonaws.com");
    this.attributes = Map.copyOf(attributes);
  }

  /** One of the operator's own templates. */
  public static RenderedTemplate of(
      StackTemplate template,
      String accountId,
      String region,
      String partition,
      Map<String, String> parameters,
      Map<String, String> attributes) {
    return new RenderedTemplate(
        CloudFormationYaml.decode(template.body()),
        accountId,
        region,
        partition,
        parameters,
        attributes);
  }

  /** A template file (the deployer templates in deploy/aws), in the aws partition. */
  public static RenderedTemplate of(
      Path file,
      String accountId,
      String region,
      Map<String, String> parameters,
      Map<String, String> attributes) {
    try {
      return new RenderedTemplate(
          CloudFormationYaml.decode(Files.readString(file)),
          accountId,
          region,
          "aws",
          parameters,
          attributes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The decoded template (long-form intrinsics), unresolved. */
  public JsonNode template() {
    return template;
  }

  /** Whether a resource is created (its Condition holds). */
  public boolean exists(String logicalId) {
    JsonNode condition = template.path("Resources").path(logicalId).path("Condition");
    return !template.path("Resources").path(logicalId).isMissingNode()
        && (condition.isMissingNode() || condition(condition.asText()));
  }

  /** A resource property, resolved; missing when the resource or property is absent. */
  public JsonNode property(String logicalId, String property) {
    return resolve(template.path("Resources").path(logicalId).path("Properties").path(property));
  }

  /** A resource property of a resource that exists, resolved. */
  public Optional<JsonNode> existingProperty(String logicalId, String property) {
    if (!exists(logicalId)) {
      return Optional.empty();
    }
    JsonNode value = property(logicalId, property);
    return value.isMissingNode() ? Optional.empty() : Optional.of(value);
  }

  /** An output's value, resolved. */
  public JsonNode output(String name) {
    return resolve(template.path("Outputs").path(name).path("Value"));
  }

  /** Logical ids of resources of a type that exist, in template order. */
  public List<String> resourcesOfType(String type) {
    List<String> ids = new ArrayList<>();
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

  /** A condition of the template, evaluated. */
  public boolean condition(String name) {
    Boolean known = conditions.get(name);
    if (known == null) {
      JsonNode declared = template.path("Conditions").path(name);
      if (declared.isMissingNode()) {
        throw new IllegalArgumentException("no condition " + name);
      }
      known = truth(declared);
      conditions.put(name, known);
    }
    return known;
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

  /** A value with every intrinsic function resolved and AWS::NoValue removed. */
  public JsonNode resolve(JsonNode node) {
    if (node.isObject() && node.size() == 1) {
      String fn = node.fieldNames().next();
      JsonNode arg = node.get(fn);
      switch (fn) {
        case "Ref":
          return ref(arg.asText());
        case "Fn::Sub":
          return sub(arg);
        case "Fn::If":
          return resolve(condition(arg.get(0).asText()) ? arg.get(1) : arg.get(2));
        case "Fn::Join":
          {
            List<String> parts = new ArrayList<>();
            resolve(arg.get(1)).forEach(p -> parts.add(p.asText()));
            return TextNode.valueOf(String.join(arg.get(0).asText(), parts));
          }
        case "Fn::Select":
          {
            int index = Integer.parseInt(text(resolve(arg.get(0))));
            JsonNode list = resolve(arg.get(1));
            if (!list.isArray() || index < 0 || index >= list.size()) {
              throw new IllegalArgumentException("Fn::Select index " + index + " out of " + list);
            }
            return list.get(index);
          }
        case "Fn::Split":
          {
            ArrayNode parts = JSON.createArrayNode();
            for (String part :
                text(resolve(arg.get(1))).split(Pattern.quote(arg.get(0).asText()), -1)) {
              parts.add(part);
            }
            return parts;
          }
        case "Fn::FindInMap":
          {
            JsonNode value =
                template
                    .path("Mappings")
                    .path(text(resolve(arg.get(0))))
                    .path(text(resolve(arg.get(1))))
                    .path(text(resolve(arg.get(2))));
            if (value.isMissingNode()) {
              throw new IllegalArgumentException("Fn::FindInMap found nothing for " + arg);
            }
            return value;
          }
        case "Fn::Base64":
          return TextNode.valueOf(
              Base64.getEncoder()
                  .encodeToString(text(resolve(arg)).getBytes(StandardCharsets.UTF_8)));
        case "Fn::GetAtt":
          {
            String key =
                arg.isArray() ? arg.get(0).asText() + "." + arg.get(1).asText() : arg.asText();
            return TextNode.valueOf(require(attributes, key, "Fn::GetAtt"));
          }
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
      return TextNode.valueOf(require(attributes, name + ".Ref", "Ref"));
    }
    JsonNode declared = template.path("Parameters").path(name);
    String value = parameter(name);
    if (declared.path("Type").asText().startsWith("CommaDelimitedList")
        || declared.path("Type").asText().startsWith("List<")) {
      ArrayNode list = JSON.createArrayNode();
      if (!value.isEmpty()) {
        for (String item : value.split(",", -1)) {
          list.add(item);
        }
      }
      return list;
    }
    return TextNode.valueOf(value);
  }

  /** Fn::Sub, in its string form or with a map of its own variables. */
  private JsonNode sub(JsonNode arg) {
    String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
    Map<String, String> variables = new LinkedHashMap<>();
    if (arg.isArray() && arg.size() > 1) {
      arg.get(1)
          .fields()
          .forEachRemaining(e -> variables.put(e.getKey(), text(resolve(e.getValue()))));
    }
    Matcher m = SUB.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value;
      if (variables.containsKey(name)) {
        value = variables.get(name);
      } else if (name.contains(".") && !name.startsWith("AWS::")) {
        value = require(attributes, name, "Fn::Sub");
      } else if (template.path("Resources").has(name)) {
        value = require(attributes, name + ".Ref", "Fn::Sub");
      } else {
        value = parameter(name);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    // ${!Literal} stands for ${Literal}.
    return TextNode.valueOf(out.toString().replace("${!", "${"));
  }

  /** A parameter's value: the one given, else the template's Default. */
  public String parameter(String name) {
    if (parameters.containsKey(name)) {
      return parameters.get(name);
    }
    JsonNode fallback = template.path("Parameters").path(name).path("Default");
    if (fallback.isValueNode()) {
      return fallback.asText();
    }
    if (template.path("Parameters").has(name)) {
      throw new IllegalArgumentException("parameter " + name + " has no value and no Default");
    }
    throw new IllegalArgumentException("no parameter " + name);
  }

  /**
   * Whether CloudFormation would take {@code value} for {@code parameter}: its AllowedPattern
   * matches the whole value, or for a CommaDelimitedList each item.
   */
  public boolean accepts(String parameter, String value) {
    return refusal(parameter, value).isEmpty();
  }

  /**
   * Why CloudFormation would refuse {@code value} for {@code parameter} (AllowedPattern,
   * AllowedValues, MinValue/MaxValue, a Number that is none, MinLength/MaxLength), if it would.
   */
  public Optional<String> refusal(String parameter, String value) {
    JsonNode declared = template.path("Parameters").path(parameter);
    if (declared.isMissingNode()) {
      throw new IllegalArgumentException("no parameter " + parameter);
    }
    String type = declared.path("Type").asText();
    List<String> items =
        type.startsWith("CommaDelimitedList") ? List.of(value.split(",", -1)) : List.of(value);
    JsonNode pattern = declared.path("AllowedPattern");
    for (String item : items) {
      if (!pattern.isMissingNode() && !Pattern.matches(pattern.asText(), item)) {
        return Optional.of(
            "'" + item + "' does not match the template's AllowedPattern " + pattern.asText());
      }
      JsonNode allowed = declared.path("AllowedValues");
      if (allowed.isArray()) {
        boolean listed = false;
        for (JsonNode a : allowed) {
          listed |= a.asText().equals(item);
        }
        if (!listed) {
          return Optional.of("'" + item + "' is not one of " + allowed);
        }
      }
    }
    if ("Number".equals(type)) {
      double number;
      try {
        number = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        return Optional.of("'" + value + "' is not a number");
      }
      if (declared.has("MinValue") && number < declared.get("MinValue").asDouble()) {
        return Optional.of(value + " is below the minimum " + declared.get("MinValue").asText());
      }
      if (declared.has("MaxValue") && number > declared.get("MaxValue").asDouble()) {
        return Optional.of(value + " is above the maximum " + declared.get("MaxValue").asText());
      }
    }
    if (declared.has("MaxLength") && value.length() > declared.get("MaxLength").asInt()) {
      return Optional.of("longer than " + declared.get("MaxLength").asText() + " characters");
    }
    if (declared.has("MinLength") && value.length() < declared.get("MinLength").asInt()) {
      return Optional.of("shorter than " + declared.get("MinLength").asText() + " characters");
    }
    return Optional.empty();
  }

  /** Whether a parameter is NoEcho (CloudFormation shows it as ****). */
  public boolean noEcho(String parameter) {
    return template.path("Parameters").path(parameter).path("NoEcho").asBoolean(false);
  }

  private static String text(JsonNode node) {
    if (node.isArray()) {
      List<String> parts = new ArrayList<>();
      node.forEach(p -> parts.add(p.asText()));
      return String.join(",", parts);
    }
    return node.asText();
  }

  private static String require(Map<String, String> map, String key, String function) {
    String value = map.get(key);
    if (value == null) {
      throw new IllegalArgumentException(function + ": no value given for " + key);
    }
    return value;
  }
}
