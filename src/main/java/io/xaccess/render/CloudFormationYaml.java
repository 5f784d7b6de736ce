package io.xaccess.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A CloudFormation YAML template as the JSON CloudFormation reads: each short-form intrinsic tag
 * ({@code !Ref x}, {@code !Sub "..."}, {@code !If [c, a, b]}, {@code !GetAtt R.Attr} …) becomes its
 * long form ({@code {"Ref": "x"}}, {@code {"Fn::Sub": "..."}}, {@code {"Fn::GetAtt": ["R",
 * "Attr"]}}), as CloudFormation and cfn-lint's decoder do. Duplicate keys are refused, as
 * CloudFormation refuses them.
 */
public final class CloudFormationYaml {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The {@code Fn::} functions CloudFormation accepts as a short-form tag of the same name. */
  static final Set<String> FUNCTIONS =
      Set.of(
          "And",
          "Base64",
          "Cidr",
          "Equals",
          "FindInMap",
          "GetAZs",
          "If",
          "ImportValue",
          "Join",
          "Length",
          "Not",
          "Or",
          "Select",
          "Split",
          "Sub",
          "ToJsonString",
          "Transform",
          "GetAtt");

  private CloudFormationYaml() {}

  /** The template as JSON with long-form intrinsics; a YAML or tag error names its line. */
  public static JsonNode decode(String yaml) {
    LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).build();
    try {
      Object loaded = new Load(settings, new Intrinsics(settings)).loadFromString(yaml);
      return JSON.valueToTree(loaded);
    } catch (YamlEngineException e) {
      throw new IllegalArgumentException(
          "not a CloudFormation YAML template: " + e.getMessage(), e);
    }
  }

  /** Builds each short-form tag's long form from the node the tag is on. */
  private static final class Intrinsics extends StandardConstructor {

    Intrinsics(LoadSettings settings) {
      super(settings);
      tagConstructors.put(new Tag("!Ref"), longForm("Ref", this::any));
      tagConstructors.put(new Tag("!Condition"), longForm("Condition", this::any));
      for (String function : FUNCTIONS) {
        tagConstructors.put(
            new Tag("!" + function),
            longForm("Fn::" + function, "GetAtt".equals(function) ? this::getAtt : this::any));
      }
    }

    private static ConstructNode longForm(String key, Function<Node, Object> argument) {
      return node -> {
        Map<String, Object> intrinsic = new LinkedHashMap<>();
        intrinsic.put(key, argument.apply(node));
        return intrinsic;
      };
    }

    /** The tagged node's value as if untagged: a string, a list or a map, tags inside decoded. */
    private Object any(Node node) {
      if (node instanceof ScalarNode scalar) {
        return constructScalar(scalar);
      }
      if (node instanceof SequenceNode sequence) {
        return constructSequence(sequence);
      }
      return constructMapping((MappingNode) node);
    }

    /** {@code !GetAtt Resource.Attribute} is {@code ["Resource", "Attribute"]}. */
    private Object getAtt(Node node) {
      if (node instanceof ScalarNode scalar) {
        String value = constructScalar(scalar);
        int dot = value.indexOf('.');
        if (dot < 0) {
          throw new IllegalArgumentException("!GetAtt needs Resource.Attribute, got " + value);
        }
        return List.of(value.substring(0, dot), value.substring(dot + 1));
      }
      return any(node);
    }
  }
}
