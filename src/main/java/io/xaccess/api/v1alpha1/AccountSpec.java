package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What both accounts of a grant declare: which account, where its stack lives, how to reach it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.credentials) || !has(self.credentials.roleArn) ||"
            + " self.credentials.roleArn.split(':')[4] == self.accountId",
    message = "credentials.roleArn must be a role in this account (accountId)",
    fieldPath = ".credentials.roleArn",
    reason = "FieldValueInvalid")
public abstract class AccountSpec {

  @Required
  @Size(max = 12)
  @ValidationRule(
      value = "self.matches('" + Patterns.ACCOUNT_ID + "')",
      message = "must be a 12-digit AWS account id (quote it in YAML to keep leading zeros)",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "self == oldSelf",
      message = "is immutable: create a new CrossAccountAccess for another account",
      reason = "FieldValueForbidden")
  @JsonPropertyDescription("The 12-digit AWS account id, as a string. Immutable.")
  private String accountId;

  @Required
  @Size(max = 32)
  @ValidationRule(
      value = "self.matches('" + Patterns.REGION + "')",
      message = "must be an AWS region name such as us-east-1 or ap-southeast-2",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "self == oldSelf",
      message = "is immutable: the stack cannot move; create a new CrossAccountAccess instead",
      reason = "FieldValueForbidden")
  @JsonPropertyDescription("The AWS region this account's stack is deployed in. Immutable.")
  private String region;

  @JsonPropertyDescription(
      "How the operator reaches this account. Omitted: the operator's own identity (IRSA, EKS Pod"
          + " Identity or environment credentials).")
  private AccountCredentials credentials;

  public String getAccountId() {
    return accountId;
  }

  public void setAccountId(String accountId) {
    this.accountId = accountId;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public AccountCredentials getCredentials() {
    return credentials;
  }

  public void setCredentials(AccountCredentials credentials) {
    this.credentials = credentials;
  }
}
