package io.xaccess.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a change to a grant adds to and removes from the access AWS enforces: the {@link
 * EffectiveAccess#facts()} of the new documents that the old ones lack, and the reverse. Computed
 * from the effective policies, so a reordered or reworded spec that renders the same documents
 * changes nothing, and a default that changes them shows. The plan of a Manual grant (#16) is this
 * diff between the deployed and the new configuration.
 *
 * @param added facts of the new access the old one lacks, in the new one's order
 * @param removed facts of the old access the new one lacks, in the old one's order
 */
public record AccessDiff(List<String> added, List<String> removed) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public AccessDiff {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
  }

  /** From {@code before} to {@code after}. */
  public static AccessDiff between(EffectiveAccess before, EffectiveAccess after) {
    List<String> old = before.facts();
    List<String> now = after.facts();
    List<String> added = new ArrayList<>(now);
    added.removeAll(old);
    List<String> removed = new ArrayList<>(old);
    removed.removeAll(now);
    return new AccessDiff(added, removed);
  }

  /** Whether the change leaves the access as it is. */
  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty();
  }

  /** One line per fact, {@code + } added and {@code - } removed, removals first. */
  public String text() {
    if (isEmpty()) {
      return "No change to the access.\n";
    }
    StringBuilder out = new StringBuilder();
    removed.forEach(f -> out.append("- ").append(f).append('\n'));
    added.forEach(f -> out.append("+ ").append(f).append('\n'));
    return out.toString();
  }

  public JsonNode toJson() {
    ObjectNode out = JSON.createObjectNode();
    out.set("added", JSON.valueToTree(added));
    out.set("removed", JSON.valueToTree(removed));
    return out;
  }
}
