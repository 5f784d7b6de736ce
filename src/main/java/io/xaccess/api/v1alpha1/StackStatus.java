package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The CloudFormation stack of one account, as last observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class StackStatus {

  @JsonPropertyDescription("Name of the stack: xaccess-<namespace>-<name>-prod or -dev.")
  private String stackName;

  @JsonPropertyDescription("The stack's ARN.")
  private String stackId;

  @JsonPropertyDescription("The stack's CloudFormation status, such as CREATE_COMPLETE.")
  private String stackStatus;

  @JsonPropertyDescription(
      "Hash of the template and parameters last applied to the stack; a spec or Secret change"
          + " gives a new desired hash, which rolls out through a change set.")
  private String configurationHash;

  @JsonPropertyDescription(
      "Hash of a configuration that failed to deploy; it is not retried until the spec or a"
          + " referenced Secret changes.")
  private String failedConfigurationHash;

  public String getConfigurationHash() {
    return configurationHash;
  }

  public void setConfigurationHash(String configurationHash) {
    this.configurationHash = configurationHash;
  }

  public String getFailedConfigurationHash() {
    return failedConfigurationHash;
  }

  public void setFailedConfigurationHash(String failedConfigurationHash) {
    this.failedConfigurationHash = failedConfigurationHash;
  }

  public String getStackName() {
    return stackName;
  }

  public void setStackName(String stackName) {
    this.stackName = stackName;
  }

  public String getStackId() {
    return stackId;
  }

  public void setStackId(String stackId) {
    this.stackId = stackId;
  }

  public String getStackStatus() {
    return stackStatus;
  }

  public void setStackStatus(String stackStatus) {
    this.stackStatus = stackStatus;
  }
}
