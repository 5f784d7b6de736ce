package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The production stack and the resources it created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProductionStackStatus extends StackStatus {

  @JsonPropertyDescription("ARN of the role development principals assume.")
  private String roleArn;

  @JsonPropertyDescription("ARN of the bucket.")
  private String bucketArn;

  @JsonPropertyDescription("ARN of the KMS key the bucket is encrypted with, when there is one.")
  private String kmsKeyArn;

  @JsonPropertyDescription(
      "Managed: the stack owns the bucket policy. Unmanaged: an existing bucket's policy was left"
          + " alone and access is granted through the role's own policy only.")
  private String bucketPolicy;

  public String getRoleArn() {
    return roleArn;
  }

  public void setRoleArn(String roleArn) {
    this.roleArn = roleArn;
  }

  public String getBucketArn() {
    return bucketArn;
  }

  public void setBucketArn(String bucketArn) {
    this.bucketArn = bucketArn;
  }

  public String getKmsKeyArn() {
    return kmsKeyArn;
  }

  public void setKmsKeyArn(String kmsKeyArn) {
    this.kmsKeyArn = kmsKeyArn;
  }

  public String getBucketPolicy() {
    return bucketPolicy;
  }

  public void setBucketPolicy(String bucketPolicy) {
    this.bucketPolicy = bucketPolicy;
  }
}
