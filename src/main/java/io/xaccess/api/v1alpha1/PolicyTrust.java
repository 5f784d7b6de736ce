package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Trust conditions a policy requires every grant to carry. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyTrust {

  @JsonPropertyDescription(
      "true: every grant must require an external id (trust.externalId or"
          + " trust.externalIdSecretRef).")
  private Boolean externalId;

  @Size(max = 34)
  @ValidationRule(
      value = "self.matches('^o-[a-z0-9]{10,32}$')",
      message = "must be an AWS Organizations id such as o-a1b2c3d4e5",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Every grant must set trust.organizationId to exactly this AWS Organizations id.")
  private String organizationId;

  @JsonPropertyDescription("true: every grant must set trust.requireMfa: true.")
  private Boolean mfa;

  public Boolean getExternalId() {
    return externalId;
  }

  public void setExternalId(Boolean externalId) {
    this.externalId = externalId;
  }

  public String getOrganizationId() {
    return organizationId;
  }

  public void setOrganizationId(String organizationId) {
    this.organizationId = organizationId;
  }

  public Boolean getMfa() {
    return mfa;
  }

  public void setMfa(Boolean mfa) {
    this.mfa = mfa;
  }
}
