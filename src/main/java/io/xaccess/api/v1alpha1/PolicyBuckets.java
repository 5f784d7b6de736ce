package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Bucket name patterns: for buckets xaccess creates, and for existing buckets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyBuckets {

  private static final String PATTERN_RULE = "self.all(p, p.matches('^[a-z0-9.*?-]{1,63}$'))";
  private static final String PATTERN_MESSAGE =
      "each pattern must be an S3 bucket name in which * and ? are wildcards, such as"
          + " acme-team-a-*";

  @Size(max = 50)
  @ValidationRule(value = PATTERN_RULE, message = PATTERN_MESSAGE, reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Names of buckets the grants may create (bucket.create: true); * and ? are wildcards."
          + " Omitted or empty: no grant may create a bucket.")
  private List<@Size(max = 63) String> names;

  @Size(max = 50)
  @ValidationRule(value = PATTERN_RULE, message = PATTERN_MESSAGE, reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Names of existing buckets the grants may use (bucket.create: false); * and ? are"
          + " wildcards. Omitted or empty: no existing bucket may be used.")
  private List<@Size(max = 63) String> existing;

  public List<String> getNames() {
    return names;
  }

  public void setNames(List<String> names) {
    this.names = names;
  }

  public List<String> getExisting() {
    return existing;
  }

  public void setExisting(List<String> existing) {
    this.existing = existing;
  }
}
