package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** An optional development-account role for SSO users or AWS services to assume first. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AssumerRole {

  @Default("false")
  @JsonPropertyDescription("Create the assumer role. Default false.")
  private Boolean enabled;

  @Default("DevToProdS3Assumer")
  @Size(max = 64)
  @ValidationRule(
      value = "self.matches('" + Patterns.ROLE_NAME + "')",
      message = "must be an IAM role name: 1-64 letters, digits or +=,.@_-",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription("Name of the assumer role. Default DevToProdS3Assumer.")
  private String name;

  @Default("SSO")
  @JsonPropertyDescription(
      "Who may assume the assumer role. SSO (default): IAM Identity Center users of the"
          + " development account (arn:aws:iam::<dev>:role/aws-reserved/sso.amazonaws.com/*);"
          + " EC2 or Lambda: that AWS service.")
  private AssumerTrust trustedBy;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public AssumerTrust getTrustedBy() {
    return trustedBy;
  }

  public void setTrustedBy(AssumerTrust trustedBy) {
    this.trustedBy = trustedBy;
  }
}
