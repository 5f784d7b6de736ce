package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A whole Secret in the resource's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretReference {

  /**
   * The label a Secret must carry, with the value {@link #MARK_VALUE}, before the operator uses it:
   * a grant can then only name Secrets someone marked for xaccess, not any Secret of its namespace.
   */
  public static final String MARK_LABEL = "xaccess.io/secret";

  /** The value of {@link #MARK_LABEL} that marks a Secret for xaccess. */
  public static final String MARK_VALUE = "true";

  /** The requirement, as field descriptions state it. */
  static final String MARK_REQUIRED =
      " The Secret must carry the label "
          + MARK_LABEL
          + "="
          + MARK_VALUE
          + "; an unmarked one is not used.";

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Name of the Secret, in the same namespace as this resource, labelled "
          + MARK_LABEL
          + "="
          + MARK_VALUE
          + ".")
  private String name;

  public SecretReference() {}

  public SecretReference(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
