package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Conditions on assuming the production role, each optional, all required together. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.externalId) && has(self.externalIdSecretRef))",
    message = "set externalId or externalIdSecretRef, not both",
    fieldPath = ".externalIdSecretRef",
    reason = "FieldValueInvalid")
public class TrustSpec {

  @Size(max = 30)
  @ValidationRule(
      value = "self.all(r, r.matches('" + Patterns.REGION + "'))",
      message = "each region must be an AWS region name such as us-east-1",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "self.all(r, self.exists_one(s, s == r))",
      message = "must not list a region twice",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Regions of the STS endpoint a caller may assume the role through (aws:RequestedRegion is"
          + " the region of the STS endpoint called, not where the caller or the bucket is): callers"
          + " must use a regional STS endpoint of a listed region. The operator's verifier calls"
          + " STS in the first listed region. Omitted: any region.")
  private List<@Size(max = 32) String> regions;

  @Default("false")
  @JsonPropertyDescription(
      "Require MFA (aws:MultiFactorAuthPresent) to assume the role. Role-chained and SSO"
          + " sessions never carry MFA; status warns when listed principals cannot satisfy it."
          + " The operator's own verifier is exempt. Default false.")
  private Boolean requireMfa;

  @Size(max = 34)
  @ValidationRule(
      value = "self.matches('^o-[a-z0-9]{10,32}$')",
      message = "must be an AWS Organizations id such as o-a1b2c3d4e5",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Only principals of this AWS Organization may assume the role (aws:PrincipalOrgID).")
  private String organizationId;

  @Size(max = 1224)
  @ValidationRule(
      value = "size(self) >= 2 && self.matches('^[\\\\w+=,.@:/-]+$')",
      message = "must be 2-1224 letters, digits or _+=,.@:/- (AWS's rule for sts:ExternalId)",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "External id callers must present (sts:ExternalId), inline. Prefer externalIdSecretRef:"
          + " an inline value is readable by anyone who can read this resource.")
  private String externalId;

  @JsonPropertyDescription(
      "External id callers must present (sts:ExternalId), read from a Secret in this namespace"
          + " (2-1224 letters, digits or _+=,.@:/-)."
          + SecretReference.MARK_REQUIRED)
  private SecretKeySelector externalIdSecretRef;

  public List<String> getRegions() {
    return regions;
  }

  public void setRegions(List<String> regions) {
    this.regions = regions;
  }

  public Boolean getRequireMfa() {
    return requireMfa;
  }

  public void setRequireMfa(Boolean requireMfa) {
    this.requireMfa = requireMfa;
  }

  public String getOrganizationId() {
    return organizationId;
  }

  public void setOrganizationId(String organizationId) {
    this.organizationId = organizationId;
  }

  public String getExternalId() {
    return externalId;
  }

  public void setExternalId(String externalId) {
    this.externalId = externalId;
  }

  public SecretKeySelector getExternalIdSecretRef() {
    return externalIdSecretRef;
  }

  public void setExternalIdSecretRef(SecretKeySelector externalIdSecretRef) {
    this.externalIdSecretRef = externalIdSecretRef;
  }

  @Size(max = 16)
  @ValidationRule(
      value =
          "self.matches('^([0-9]+h)?([0-9]+m)?([0-9]+s)?$') && self != '' &&"
              + " duration(self) >= duration('1m') && duration(self) <= duration('12h')",
      message = "must be a duration between 1m and 12h, such as 15m or 1h",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "With requireMfa: how long ago the MFA sign-in may have been (aws:MultiFactorAuthAge), 1m"
          + " to 12h, for example 1h. A session whose MFA is older is refused. Omitted: any age."
          + " Only together with requireMfa.")
  private String maxMfaAge;

  public String getMaxMfaAge() {
    return maxMfaAge;
  }

  public void setMaxMfaAge(String maxMfaAge) {
    this.maxMfaAge = maxMfaAge;
  }
}
