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

  @JsonPropertyDescription(
      "The bucket the production stack itself created, as CloudFormation listed its resources"
          + " right before the stack was deleted: the only bucket a deletion may remove"
          + " (bucket.deletionPolicy Delete, empty, and tagged with this grant's uid).")
  private String createdBucket;

  @JsonPropertyDescription(
      "The id of the KMS key the production stack itself created, read like createdBucket: the"
          + " only key a deletion may schedule for deletion, once its bucket is gone.")
  private String createdKmsKeyId;

  public String getCreatedBucket() {
    return createdBucket;
  }

  public void setCreatedBucket(String createdBucket) {
    this.createdBucket = createdBucket;
  }

  public String getCreatedKmsKeyId() {
    return createdKmsKeyId;
  }

  public void setCreatedKmsKeyId(String createdKmsKeyId) {
    this.createdKmsKeyId = createdKmsKeyId;
  }

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
