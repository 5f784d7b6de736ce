package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What access to grant: the two accounts, the bucket, the role and the trust conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.production.accountId != self.development.accountId",
    message = "development.accountId must differ from production.accountId",
    fieldPath = ".development.accountId",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.sessionDuration) || duration(self.sessionDuration) <= duration(has(self.role)"
            + " && has(self.role.maxSessionDuration) ? self.role.maxSessionDuration : '1h')",
    message =
        "sessionDuration must not exceed role.maxSessionDuration (default 1h): raise"
            + " role.maxSessionDuration or shorten sessionDuration",
    fieldPath = ".sessionDuration",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "(has(self.role) && has(self.role.name) ? self.role.name : 'DevToProdS3Publisher') =="
            + " (has(oldSelf.role) && has(oldSelf.role.name) ? oldSelf.role.name :"
            + " 'DevToProdS3Publisher')",
    message = "role.name is immutable: create a new CrossAccountAccess for another role",
    fieldPath = ".role.name",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "!has(self.bucket.encryption) || !self.bucket.encryption.startsWith('arn:') ||"
            + " self.bucket.encryption.split(':')[4] == self.production.accountId",
    message = "bucket.encryption: the KMS key must belong to the production account",
    fieldPath = ".bucket.encryption",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!(has(self.expiresAt) && has(self.ttl))",
    message =
        "set expiresAt or ttl, not both: expiresAt is a fixed end, ttl counts from first Ready",
    fieldPath = ".ttl",
    reason = "FieldValueForbidden")
public class CrossAccountAccessSpec {

  @Required
  @JsonPropertyDescription(
      "The production (resource) account: it holds the bucket, its KMS key and the role that the"
          + " development account assumes.")
  private ProductionAccount production;

  @Required
  @JsonPropertyDescription(
      "The development account: its principals get permission to assume the production role.")
  private DevelopmentAccount development;

  @Required
  @JsonPropertyDescription("The production S3 bucket the development account gets access to.")
  private BucketSpec bucket;

  @JsonPropertyDescription(
      "The cross-account role in the production account. Defaults: name DevToProdS3Publisher,"
          + " actions s3:PutObject, s3:GetObject, s3:ListBucket, maxSessionDuration 1h.")
  private RoleSpec role;

  @Default("1h")
  @Size(max = 16)
  @ValidationRule(
      value =
          "self.matches('^([0-9]+h)?([0-9]+m)?([0-9]+s)?$') && self != '' &&"
              + " duration(self) >= duration('15m') && duration(self) <= duration('12h')",
      message = "must be a duration between 15m and 12h, such as 30m, 1h or 1h30m",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "How long a session of the assumed role lasts, 15m to 12h (for example 30m, 1h, 1h30m);"
          + " must not exceed role.maxSessionDuration. Default 1h.")
  private String sessionDuration;

  @ValidationRule(
      value = "!has(self.maxMfaAge) || (has(self.requireMfa) && self.requireMfa)",
      message = "maxMfaAge needs requireMfa: true",
      fieldPath = ".maxMfaAge",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Conditions a development principal must meet to assume the role. Omitted: any principal"
          + " allowed by development.principals, from any region, without MFA.")
  private TrustSpec trust;

  @JsonPropertyDescription(
      "The proof of access: an object written, read back, listed and removed through the assumed"
          + " role. Default: enabled, repeated every hour.")
  private VerificationSpec verification;

  @Default("Delete")
  @JsonPropertyDescription(
      "What deleting this resource does in AWS. Delete (default): remove both stacks,"
          + " development first (the bucket and its key follow bucket.deletionPolicy). Orphan:"
          + " leave everything in AWS as it is.")
  private DeletionPolicy deletionPolicy;

  @Default("Automatic")
  @JsonPropertyDescription(
      "How a change reaches AWS. Automatic (default): deployed at once. Manual: a change that"
          + " alters the access, the first deployment included, is prepared as CloudFormation"
          + " change sets and a plan in status.plan (what it adds and removes in IAM terms), and"
          + " deployed only when someone allowed to approve sets the annotation"
          + " xaccess.io/approve-plan to the plan's hash. The deployed access stays as it is"
          + " meanwhile; its end and session revocations still apply at once.")
  private UpdatePolicy updatePolicy;

  @Default("Manage")
  @JsonPropertyDescription(
      "Manage (default): deploy, update, verify and on deletion remove the stacks. Observe:"
          + " deploy, change and delete nothing; read the production stack this spec names"
          + " (production.stackName, else the operator's own) and the role, bucket and key it"
          + " names, and report in Drifted and Ready whether they hold what this spec would"
          + " deploy. Deleting an observed grant leaves AWS as it is. Switching to Manage takes"
          + " the named production stack over.")
  private ManagementPolicy managementPolicy;

  @Default("Repair")
  @JsonPropertyDescription(
      "What happens when the production resources in AWS no longer hold what the grant's stack"
          + " declares (someone edited the role's trust or policies, the bucket policy, the key"
          + " policy, or the bucket's encryption or public access block by hand). Both compare"
          + " the live configuration with the declared one by meaning at every drift check and"
          + " report it in the Drifted condition. Repair (default): put the declared"
          + " configuration back and prove the access again. Report: change nothing in AWS.")
  private DriftPolicy driftPolicy;

  @Default("false")
  @JsonPropertyDescription(
      "Stop changing AWS for this grant: no stack updates and no verification until set back to"
          + " false. Status is still reported.")
  private Boolean suspend;

  @Size(max = 35)
  @ValidationRule(
      value =
          "self.matches('"
              + Patterns.RFC3339
              + "') && timestamp(self) > timestamp('2000-01-01T00:00:00Z')",
      message = "must be an RFC 3339 time such as 2026-12-31T18:00:00Z",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "When the access ends (RFC 3339, such as 2026-12-31T18:00:00Z). At that time the operator"
          + " closes it without deleting anything: the production role trusts no development"
          + " principal, the development assume permission is removed, and sessions issued"
          + " before are denied (aws:TokenIssueTime); the grant reports phase Expired. Edit to a"
          + " later time to renew. Exclusive with ttl; neither: the access lasts until deleted.")
  private String expiresAt;

  @Size(max = 16)
  @ValidationRule(
      value =
          "self.matches('"
              + Patterns.DURATION
              + "') && self != '' && duration(self) >= duration('1s')",
      message = "must be a duration such as 30m, 8h or 48h (h, m and s; at least 1s)",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "How long the access lasts, counted from when the grant first became Ready (such as 8h or"
          + " 48h); status.expiresAt shows the resulting end. What happens at expiry and how to"
          + " renew: see expiresAt. Exclusive with expiresAt.")
  private String ttl;

  public String getExpiresAt() {
    return expiresAt;
  }

  public void setExpiresAt(String expiresAt) {
    this.expiresAt = expiresAt;
  }

  public String getTtl() {
    return ttl;
  }

  public void setTtl(String ttl) {
    this.ttl = ttl;
  }

  public ProductionAccount getProduction() {
    return production;
  }

  public void setProduction(ProductionAccount production) {
    this.production = production;
  }

  public DevelopmentAccount getDevelopment() {
    return development;
  }

  public void setDevelopment(DevelopmentAccount development) {
    this.development = development;
  }

  public BucketSpec getBucket() {
    return bucket;
  }

  public void setBucket(BucketSpec bucket) {
    this.bucket = bucket;
  }

  public RoleSpec getRole() {
    return role;
  }

  public void setRole(RoleSpec role) {
    this.role = role;
  }

  public String getSessionDuration() {
    return sessionDuration;
  }

  public void setSessionDuration(String sessionDuration) {
    this.sessionDuration = sessionDuration;
  }

  public TrustSpec getTrust() {
    return trust;
  }

  public void setTrust(TrustSpec trust) {
    this.trust = trust;
  }

  public VerificationSpec getVerification() {
    return verification;
  }

  public void setVerification(VerificationSpec verification) {
    this.verification = verification;
  }

  public ManagementPolicy getManagementPolicy() {
    return managementPolicy;
  }

  public void setManagementPolicy(ManagementPolicy managementPolicy) {
    this.managementPolicy = managementPolicy;
  }

  public DriftPolicy getDriftPolicy() {
    return driftPolicy;
  }

  public void setDriftPolicy(DriftPolicy driftPolicy) {
    this.driftPolicy = driftPolicy;
  }

  public UpdatePolicy getUpdatePolicy() {
    return updatePolicy;
  }

  public void setUpdatePolicy(UpdatePolicy updatePolicy) {
    this.updatePolicy = updatePolicy;
  }

  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }
}
