package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The proof of access through the assumed role, and how often it is repeated. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationSpec {

  @Default("true")
  @JsonPropertyDescription(
      "Prove the access with a real upload through the assumed role after every change."
          + " Default true. When false, Ready means both stacks are deployed.")
  private Boolean enabled;

  @Default("1h")
  @Size(max = 16)
  @ValidationRule(
      value =
          "self == '0' || (self.matches('^([0-9]+h)?([0-9]+m)?([0-9]+s)?$') && self != '' &&"
              + " duration(self) >= duration('5m') && duration(self) <= duration('168h'))",
      message = "must be 0 (verify only after changes) or a duration from 5m to 168h, such as 1h",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Re-verify this often while nothing changes, 5m to 168h; 0 verifies only after changes."
          + " Default 1h.")
  private String interval;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }
}
