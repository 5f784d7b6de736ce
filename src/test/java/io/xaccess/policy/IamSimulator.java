package io.xaccess.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real IAM policy evaluator: {@code @cloud-copilot/iam-simulate} (npm, pinned in
 * tools/iam-simulate, installed by {@code make tools}), run once for a batch of simulations.
 */
final class IamSimulator {

  private static final Path TOOL = Path.of("tools", "iam-simulate");
  private static final ObjectMapper JSON = new ObjectMapper();

  private IamSimulator() {}

  /** Evaluates each simulation; returns Allowed, ExplicitlyDenied, ImplicitlyDenied or Error: …. */
  static List<String> evaluate(List<JsonNode> simulations) throws Exception {
    if (!Files.isDirectory(TOOL.resolve("node_modules/@cloud-copilot/iam-simulate"))) {
      throw new IllegalStateException("iam-simulate is not installed: run 'make tools'");
    }
    ArrayNode batch = JSON.createArrayNode();
    simulations.forEach(batch::add);
    Process process =
        new ProcessBuilder("node", "simulate.mjs")
            .directory(TOOL.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(JSON.writeValueAsBytes(batch));
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("iam-simulate failed: " + out);
    }
    List<String> results = new ArrayList<>();
    for (JsonNode result : JSON.readTree(out)) {
      String r = result.get("result").asText();
      results.add("Error".equals(r) ? "Error: " + result.get("errors") : r);
    }
    return results;
  }

  /**
   * One simulation: {@code principal} calls {@code action} on {@code resource} (owned by {@code
   * resourceAccount}) with its {@code identity} policies (each {@link #named}), the resource's
   * policy if any, and the request's context keys.
   */
  static JsonNode request(
      String principal,
      String action,
      String resource,
      String resourceAccount,
      JsonNode resourcePolicy,
      List<JsonNode> identity,
      Map<String, Object> context) {
    ObjectNode simulation = JSON.createObjectNode();
    ArrayNode identityPolicies = simulation.putArray("identityPolicies");
    identity.forEach(identityPolicies::add);
    simulation.putArray("serviceControlPolicies");
    simulation.putArray("resourceControlPolicies");
    if (resourcePolicy != null) {
      simulation.set("resourcePolicy", resourcePolicy);
    }
    ObjectNode request = simulation.putObject("request");
    request.put("action", action);
    request.put("principal", principal);
    request.putObject("resource").put("accountId", resourceAccount).put("resource", resource);
    request.set("contextVariables", JSON.valueToTree(context));
    return simulation;
  }

  /** An identity policy as the simulator takes it: a name and the document. */
  static JsonNode named(String name, JsonNode policy) {
    ObjectNode named = JSON.createObjectNode();
    named.put("name", name);
    named.set("policy", policy);
    return named;
  }
}
