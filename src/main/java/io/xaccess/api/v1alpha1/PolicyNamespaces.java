package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** The namespaces a policy selects: by name, by labels, or both (either one selects). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.names) || has(self.selector)",
    message = "set names, selector or both: a policy must say which namespaces it selects",
    reason = "FieldValueRequired")
public class PolicyNamespaces {

  @Size(max = 100)
  @ValidationRule(
      value = "self.all(n, n.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'))",
      message = "each entry must be a namespace name (a DNS label such as team-a)",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription("Namespaces selected by name (exact names, no wildcards).")
  private List<@Size(max = 63) String> names;

  @JsonPropertyDescription(
      "Namespaces selected by their labels (a standard label selector; {} selects every"
          + " namespace).")
  private LabelSelector selector;

  public List<String> getNames() {
    return names;
  }

  public void setNames(List<String> names) {
    this.names = names;
  }

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }
}
