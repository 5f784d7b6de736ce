package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** An account a policy permits, and optionally the deployer role used there. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.deployerRoleArn) || self.deployerRoleArn.split(':')[4] == self.accountId",
    message = "deployerRoleArn must be a role in this account (accountId)",
    fieldPath = ".deployerRoleArn",
    reason = "FieldValueInvalid")
public class PolicyAccount {

  @Required
  @Size(max = 12)
  @ValidationRule(
      value = "self.matches('" + Patterns.ACCOUNT_ID + "')",
      message = "must be a 12-digit AWS account id (quote it in YAML to keep leading zeros)",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription("The 12-digit AWS account id, as a string.")
  private String accountId;

  @Size(max = 2048)
  @ValidationRule(
      value = "self.matches('" + Patterns.ROLE_ARN + "')",
      message = "must be an IAM role ARN such as arn:aws:iam::111111111111:role/xaccess-deployer",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "The deployer role the operator assumes in this account for these namespaces' grants. Set:"
          + " a grant omits credentials (this role is used) or names exactly this role; static"
          + " keys are refused. Omitted: the grant's own credentials (or the operator's default"
          + " deployer role) are used.")
  private String deployerRoleArn;

  public String getAccountId() {
    return accountId;
  }

  public void setAccountId(String accountId) {
    this.accountId = accountId;
  }

  public String getDeployerRoleArn() {
    return deployerRoleArn;
  }

  public void setDeployerRoleArn(String deployerRoleArn) {
    this.deployerRoleArn = deployerRoleArn;
  }
}
