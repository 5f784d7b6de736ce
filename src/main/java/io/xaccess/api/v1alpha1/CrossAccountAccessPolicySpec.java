package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What a {@link CrossAccountAccessPolicy} selects and permits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CrossAccountAccessPolicySpec {

  @Required
  @JsonPropertyDescription(
      "The namespaces whose grants this policy permits: those named in names, and those whose"
          + " labels match selector.")
  private PolicyNamespaces namespaces;

  @Required
  @Size(min = 1, max = 50)
  @JsonPropertyDescription(
      "Production accounts the grants may use (spec.production.accountId), each optionally with"
          + " the deployer role the operator assumes there.")
  private List<PolicyAccount> production;

  @Required
  @Size(min = 1, max = 50)
  @JsonPropertyDescription(
      "Development accounts the grants may give access to (spec.development.accountId), each"
          + " optionally with the deployer role the operator assumes there.")
  private List<PolicyAccount> development;

  @Required
  @JsonPropertyDescription("Which buckets the grants may create or use.")
  private PolicyBuckets buckets;

  @Size(max = 20)
  @ValidationRule(
      value = "self.all(p, p.matches('^[\\\\w+=,.@*?-]{1,64}$') && !p.startsWith('*'))",
      message =
          "each pattern must be an IAM role name in which * and ? are wildcards, not starting"
              + " with *, such as DevToProd*",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Names the production role may have (spec.role.name, default DevToProdS3Publisher); * and ?"
          + " are wildcards. Omitted: any name.")
  private List<@Size(max = 64) String> roleNames;

  @Size(min = 1, max = 12)
  @ValidationRule(
      value = "self.all(a, a in " + Patterns.ALLOWED_ACTIONS + ")",
      message = "each action must be one a CrossAccountAccess may grant (see spec.role.actions)",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "The actions the grants may give (spec.role.actions, default s3:PutObject, s3:GetObject,"
          + " s3:ListBucket): every action of a grant must be listed here. Omitted: any.")
  private List<@Size(max = 64) String> actions;

  @Size(max = 16)
  @ValidationRule(
      value =
          "self.matches('"
              + Patterns.DURATION
              + "') && self != '' && duration(self) >="
              + " duration('15m') && duration(self) <= duration('12h')",
      message = "must be a duration between 15m and 12h, such as 1h",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "The longest spec.sessionDuration a grant may request (default of a grant: 1h). Omitted:"
          + " 12h.")
  private String maxSessionDuration;

  @Size(max = 16)
  @ValidationRule(
      value =
          "self.matches('"
              + Patterns.DURATION
              + "') && self != '' && duration(self) >="
              + " duration('1h') && duration(self) <= duration('12h')",
      message = "must be a duration between 1h and 12h, such as 4h",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "The longest spec.role.maxSessionDuration a grant may give its role (default of a grant:"
          + " 1h). Omitted: 12h.")
  private String maxRoleSessionDuration;

  @Size(max = 16)
  @ValidationRule(
      value =
          "self.matches('"
              + Patterns.DURATION
              + "') && self != '' && duration(self) >= duration('1m')",
      message = "must be a duration of at least 1m, such as 48h or 720h",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "The longest a grant may live: every grant must set spec.ttl (at most this) or"
          + " spec.expiresAt (at most this after the grant's creation), and may be renewed only"
          + " within it. Omitted: grants may live until deleted.")
  private String maxGrantLifetime;

  @JsonPropertyDescription("Trust conditions every grant must carry. Omitted: none required.")
  private PolicyTrust requiredTrust;

  @JsonPropertyDescription(
      "What the grants may do beyond the safe defaults; everything here is false unless set.")
  private PolicyAllowances allow;

  public PolicyNamespaces getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(PolicyNamespaces namespaces) {
    this.namespaces = namespaces;
  }

  public List<PolicyAccount> getProduction() {
    return production;
  }

  public void setProduction(List<PolicyAccount> production) {
    this.production = production;
  }

  public List<PolicyAccount> getDevelopment() {
    return development;
  }

  public void setDevelopment(List<PolicyAccount> development) {
    this.development = development;
  }

  public PolicyBuckets getBuckets() {
    return buckets;
  }

  public void setBuckets(PolicyBuckets buckets) {
    this.buckets = buckets;
  }

  public List<String> getRoleNames() {
    return roleNames;
  }

  public void setRoleNames(List<String> roleNames) {
    this.roleNames = roleNames;
  }

  public List<String> getActions() {
    return actions;
  }

  public void setActions(List<String> actions) {
    this.actions = actions;
  }

  public String getMaxSessionDuration() {
    return maxSessionDuration;
  }

  public void setMaxSessionDuration(String maxSessionDuration) {
    this.maxSessionDuration = maxSessionDuration;
  }

  public String getMaxRoleSessionDuration() {
    return maxRoleSessionDuration;
  }

  public void setMaxRoleSessionDuration(String maxRoleSessionDuration) {
    this.maxRoleSessionDuration = maxRoleSessionDuration;
  }

  public String getMaxGrantLifetime() {
    return maxGrantLifetime;
  }

  public void setMaxGrantLifetime(String maxGrantLifetime) {
    this.maxGrantLifetime = maxGrantLifetime;
  }

  public PolicyTrust getRequiredTrust() {
    return requiredTrust;
  }

  public void setRequiredTrust(PolicyTrust requiredTrust) {
    this.requiredTrust = requiredTrust;
  }

  public PolicyAllowances getAllow() {
    return allow;
  }

  public void setAllow(PolicyAllowances allow) {
    this.allow = allow;
  }
}
