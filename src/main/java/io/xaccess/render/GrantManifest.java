package io.xaccess.render;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The CrossAccountAccess resources of a manifest (one YAML stream, any number of documents; other
 * kinds, such as the Secret an example ships with, are skipped), each checked against the CRD's
 * schema ({@link CrdSchema}, defaults filled in as the API server fills them) and bound to the API
 * types as the operator reads them.
 */
public final class GrantManifest {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private static final String KIND = HasMetadata.getKind(CrossAccountAccess.class);

  private GrantManifest() {}

  /** The manifest's grants; {@link InvalidManifest} names every problem with its field. */
  public static List<CrossAccountAccess> read(String yaml, String source) throws InvalidManifest {
    List<Object> documents = new ArrayList<>();
    try {
      new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build())
          .loadAllFromString(yaml)
          .forEach(documents::add);
    } catch (YamlEngineException e) {
      throw new InvalidManifest(source, List.of("not YAML: " + e.getMessage()));
    }
    List<CrossAccountAccess> grants = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    CrdSchema schema = CrdSchema.forVersion(CrossAccountAccess.VERSION);
    int index = 0;
    for (Object document : documents) {
      index++;
      if (document == null) {
        continue;
      }
      JsonNode node = JSON.valueToTree(document);
      if (!node.isObject()) {
        problems.add("document " + index + ": not a Kubernetes object");
        continue;
      }
      if (!KIND.equals(node.path("kind").asText())) {
        continue;
      }
      String name = node.path("metadata").path("name").asText("");
      String where = name.isEmpty() ? "document " + index : KIND + " " + name;
      String apiVersion = CrossAccountAccess.GROUP + "/" + CrossAccountAccess.VERSION;
      if (!apiVersion.equals(node.path("apiVersion").asText())) {
        problems.add(
            where
                + ": apiVersion "
                + node.path("apiVersion")
                + " is not served; use "
                + apiVersion);
        continue;
      }
      List<String> found = new ArrayList<>();
      if (name.isEmpty()) {
        found.add("metadata.name: Required value");
      }
      found.addAll(schema.validate((ObjectNode) node));
      if (!found.isEmpty()) {
        found.forEach(p -> problems.add(where + ": " + p));
        continue;
      }
      try {
        grants.add(JSON.treeToValue(node, CrossAccountAccess.class));
      } catch (Exception e) {
        problems.add(where + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidManifest(source, problems);
    }
    if (grants.isEmpty()) {
      throw new InvalidManifest(
          source, List.of("no " + KIND + " (apiVersion xaccess.io/v1alpha1) in it"));
    }
    return grants;
  }

  /** A manifest the API server would refuse, or that holds no grant. */
  public static final class InvalidManifest extends Exception {
    private final List<String> problems;

    InvalidManifest(String source, List<String> problems) {
      super(source + ": " + String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }
}
