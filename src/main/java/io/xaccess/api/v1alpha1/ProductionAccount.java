package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The production (resource) account: bucket, KMS key and the role the development side assumes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "has(self.stackName) == has(oldSelf.stackName) && (!has(self.stackName) ||"
            + " self.stackName == oldSelf.stackName)",
    message =
        "stackName is immutable (set it when the resource is created): create a new"
            + " CrossAccountAccess to observe or adopt another stack",
    fieldPath = ".stackName",
    reason = "FieldValueForbidden")
public class ProductionAccount extends AccountSpec {

  @Size(max = 128)
  @ValidationRule(
      value = "self.matches('" + Patterns.STACK_NAME + "')",
      message =
          "must be a CloudFormation stack name: a letter, then letters, digits and hyphens (128 at"
              + " most)",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "The name of the production stack. Omitted (the usual case): xaccess-<namespace>-<name>-"
          + "<hash>-prod, chosen by the operator. Set it to the stack a runbook made by hand to"
          + " observe it (managementPolicy Observe) and then take it over (managementPolicy"
          + " Manage): only if it carries no xaccess.io/uid tag of another grant, is settled, an"
          + " update with xaccess's template keeps its role, bucket and key (logical ids Role,"
          + " Bucket, Key), and the deployer role may update it (AdoptableStackNamePattern)."
          + " Immutable.")
  private String stackName;

  public String getStackName() {
    return stackName;
  }

  public void setStackName(String stackName) {
    this.stackName = stackName;
  }
}
