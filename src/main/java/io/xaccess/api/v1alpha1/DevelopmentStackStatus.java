package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The development stack and the resources it created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DevelopmentStackStatus extends StackStatus {

  @JsonPropertyDescription("ARN of the managed policy that allows sts:AssumeRole on the role.")
  private String assumePolicyArn;

  @JsonPropertyDescription("ARN of the role the operator verifies access through.")
  private String verifierRoleArn;

  @JsonPropertyDescription("ARN of the optional assumer role for SSO users or services.")
  private String assumerRoleArn;

  public String getAssumePolicyArn() {
    return assumePolicyArn;
  }

  public void setAssumePolicyArn(String assumePolicyArn) {
    this.assumePolicyArn = assumePolicyArn;
  }

  public String getVerifierRoleArn() {
    return verifierRoleArn;
  }

  public void setVerifierRoleArn(String verifierRoleArn) {
    this.verifierRoleArn = verifierRoleArn;
  }

  public String getAssumerRoleArn() {
    return assumerRoleArn;
  }

  public void setAssumerRoleArn(String assumerRoleArn) {
    this.assumerRoleArn = assumerRoleArn;
  }
}
