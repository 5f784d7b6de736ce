package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How the operator reaches an account: a deployer role to assume, or static keys. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.roleArn) != has(self.secretRef)",
    message = "set exactly one of roleArn or secretRef",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.externalIdSecretRef) || has(self.roleArn)",
    message = "externalIdSecretRef is only used with roleArn",
    fieldPath = ".externalIdSecretRef",
    reason = "FieldValueInvalid")
public class AccountCredentials {

  @Size(max = 2048)
  @ValidationRule(
      value = "self.matches('" + Patterns.ROLE_ARN + "')",
      message = "must be an IAM role ARN such as arn:aws:iam::111111111111:role/xaccess-deployer",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "ARN of a deployer role in this account that the operator assumes (from its own identity)"
          + " to deploy the stack. See deploy/aws for a least-privilege template.")
  private String roleArn;

  @JsonPropertyDescription(
      "A key of a Secret in this namespace holding the external id the deployer role requires"
          + " (2-1224 letters, digits or _+=,.@:/-)."
          + SecretReference.MARK_REQUIRED)
  private SecretKeySelector externalIdSecretRef;

  @JsonPropertyDescription(
      "A Secret in this namespace with static keys (accessKeyId, secretAccessKey, optional"
          + " sessionToken). For emulators and bootstrap only; prefer roleArn."
          + SecretReference.MARK_REQUIRED)
  private SecretReference secretRef;

  public String getRoleArn() {
    return roleArn;
  }

  public void setRoleArn(String roleArn) {
    this.roleArn = roleArn;
  }

  public SecretKeySelector getExternalIdSecretRef() {
    return externalIdSecretRef;
  }

  public void setExternalIdSecretRef(SecretKeySelector externalIdSecretRef) {
    this.externalIdSecretRef = externalIdSecretRef;
  }

  public SecretReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretReference secretRef) {
    this.secretRef = secretRef;
  }
}
