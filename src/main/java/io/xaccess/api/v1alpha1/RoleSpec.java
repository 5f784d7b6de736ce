package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The production role that development principals assume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RoleSpec {

  /** The actions a grant may give; anything that deletes object versions is left out on purpose. */
  public static final List<String> ALLOWED_ACTIONS =
      List.of(
          "s3:GetObject",
          "s3:GetObjectVersion",
          "s3:GetObjectTagging",
          "s3:PutObject",
          "s3:PutObjectTagging",
          "s3:DeleteObject",
          "s3:ListBucket",
          "s3:ListBucketVersions",
          "s3:GetBucketLocation",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
          "s3:ListBucketMultipartUploads");

  public static final List<String> DEFAULT_ACTIONS =
      List.of("s3:PutObject", "s3:GetObject", "s3:ListBucket");

  public static final String DEFAULT_NAME = "DevToProdS3Publisher";

  @Default(DEFAULT_NAME)
  @Size(max = 64)
  @ValidationRule(
      value = "self.matches('" + Patterns.ROLE_NAME + "')",
      message = "must be an IAM role name: 1-64 letters, digits or +=,.@_-",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Name of the role in the production account. Immutable. Default " + DEFAULT_NAME + ".")
  private String name;

  @Size(min = 1, max = 12)
  @ValidationRule(
      value = "self.all(a, a in " + Patterns.ALLOWED_ACTIONS + ")",
      message =
          "each action must be one of s3:GetObject, s3:GetObjectVersion, s3:GetObjectTagging,"
              + " s3:PutObject, s3:PutObjectTagging, s3:DeleteObject, s3:ListBucket,"
              + " s3:ListBucketVersions, s3:GetBucketLocation, s3:AbortMultipartUpload,"
              + " s3:ListMultipartUploadParts, s3:ListBucketMultipartUploads",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "self.all(a, self.exists_one(b, b == a))",
      message = "must not list an action twice",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "S3 actions the role may perform on the bucket (and prefix). Default: s3:PutObject,"
          + " s3:GetObject, s3:ListBucket.")
  private List<@Size(max = 64) String> actions;

  @Default("1h")
  @Size(max = 16)
  @ValidationRule(
      value =
          "self.matches('^([0-9]+h)?([0-9]+m)?([0-9]+s)?$') && self != '' &&"
              + " duration(self) >= duration('1h') && duration(self) <= duration('12h')",
      message = "must be a duration between 1h and 12h, such as 1h or 4h",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "The role's maximum session duration, 1h to 12h. Default 1h. sessionDuration must fit in"
          + " it.")
  private String maxSessionDuration;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
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
}
