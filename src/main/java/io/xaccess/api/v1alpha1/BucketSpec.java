package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The production bucket: created for the grant, or an existing one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.deletionPolicy != 'Delete' || self.create",
    message =
        "deletionPolicy Delete is only for a bucket xaccess creates (create: true); an existing"
            + " bucket is never deleted",
    fieldPath = ".deletionPolicy",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!self.create || !has(self.managePolicy) || self.managePolicy",
    message =
        "managePolicy: false is only for an existing bucket (create: false); a bucket xaccess"
            + " creates always gets its bucket policy",
    fieldPath = ".managePolicy",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "self.create != oldSelf.create || (self.create || has(self.managePolicy) &&"
            + " self.managePolicy) == (oldSelf.create || has(oldSelf.managePolicy) &&"
            + " oldSelf.managePolicy)",
    message =
        "is immutable: the stack would replace or delete a bucket policy it does not own; create"
            + " a new CrossAccountAccess instead",
    fieldPath = ".managePolicy",
    reason = "FieldValueForbidden")
public class BucketSpec {

  @Required
  @Size(max = 63)
  @ValidationRule(
      value = "size(self) >= 3 && self.matches('^[a-z0-9][a-z0-9.-]*[a-z0-9]$')",
      message =
          "must be an S3 bucket name: 3-63 lowercase letters, digits, dots or hyphens, starting"
              + " and ending with a letter or digit",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "!self.contains('..') && !self.contains('.-') && !self.contains('-.')",
      message = "must not contain two adjacent periods or a period next to a hyphen (S3 rules)",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "!self.matches('^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$')",
      message = "must not be formatted as an IP address (S3 rules)",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value =
          "!(self.startsWith('xn--') || self.startsWith('sthree-') ||"
              + " self.startsWith('amzn-s3-demo-') || self.endsWith('-s3alias') ||"
              + " self.endsWith('--ol-s3') || self.endsWith('.mrap') || self.endsWith('--x-s3')"
              + " || self.endsWith('--table-s3'))",
      message =
          "must not use a prefix (xn--, sthree-, amzn-s3-demo-) or suffix (-s3alias, --ol-s3,"
              + " .mrap, --x-s3, --table-s3) that S3 reserves",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "self == oldSelf",
      message = "is immutable: create a new CrossAccountAccess for another bucket",
      reason = "FieldValueForbidden")
  @JsonPropertyDescription("Name of the S3 bucket in the production account. Immutable.")
  private String name;

  @Default("true")
  @ValidationRule(
      value = "self == oldSelf",
      message =
          "is immutable: the stack would take over or delete a bucket it did not create; create a"
              + " new CrossAccountAccess instead",
      reason = "FieldValueForbidden")
  @JsonPropertyDescription(
      "true (default): the production stack creates the bucket (public access blocked,"
          + " versioned, encrypted, owner-enforced). false: use an existing bucket of the"
          + " production account; access is granted through the role's own policy. Immutable.")
  private Boolean create;

  @Size(max = 512)
  @ValidationRule(
      value = "self.endsWith('/') && !self.startsWith('/') && !self.contains('//')",
      message =
          "must be a key prefix such as releases/ or team/app/: ending with / and not starting"
              + " with / or holding //",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "!self.matches('" + Patterns.IAM_SPECIALS + "')",
      message =
          "must not contain *, ?, $, { or }: IAM reads them as wildcards and policy variables, so"
              + " the grant would reach keys outside the prefix",
      reason = "FieldValueForbidden")
  @ValidationRule(
      value = "self.matches('" + Patterns.KEY_PREFIX + "')",
      message =
          "must use S3's safe characters without *: letters, digits, ! - _ . ' ( ) and / only",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Narrow object access to keys under this prefix (for example releases/): letters, digits,"
          + " ! - _ . ' ( ) and /, ending with /; no IAM wildcard or policy variable (* ? $ { })."
          + " Omitted: the whole bucket.")
  private String prefix;

  @Default("KMS")
  @Size(max = 2048)
  @ValidationRule(
      value = "self == 'KMS' || self == 'S3' || self.matches('" + Patterns.KMS_KEY_ARN + "')",
      message =
          "must be KMS (a key created for this grant), S3 (SSE-S3) or the ARN of an existing KMS"
              + " key of the production account",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "self == oldSelf",
      message =
          "is immutable: a change would make the stack delete a key or stop using one it did not"
              + " create; create a new CrossAccountAccess instead",
      reason = "FieldValueForbidden")
  @JsonPropertyDescription(
      "Server-side encryption. KMS (default): a customer-managed key created for this grant,"
          + " with rotation on and a key policy that lets the role use it only through S3. S3:"
          + " SSE-S3. A KMS key ARN: an existing key the role is allowed to use (for an existing"
          + " SSE-KMS bucket). Immutable.")
  private String encryption;

  @JsonPropertyDescription(
      "Whether the production stack owns the bucket policy. Always true for a bucket xaccess"
          + " creates. For an existing bucket (create: false) the default is false: an existing"
          + " bucket policy is never replaced unless you opt in here; status.production.bucketPolicy"
          + " says which was done. Immutable (unset and false are the same).")
  private Boolean managePolicy;

  @Default("Retain")
  @JsonPropertyDescription(
      "What happens to a bucket xaccess created when the grant is deleted. Retain (default):"
          + " keep the bucket and its KMS key. Delete: remove them only if the bucket is empty;"
          + " objects are never deleted.")
  private BucketDeletionPolicy deletionPolicy;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Boolean getCreate() {
    return create;
  }

  public void setCreate(Boolean create) {
    this.create = create;
  }

  public String getPrefix() {
    return prefix;
  }

  public void setPrefix(String prefix) {
    this.prefix = prefix;
  }

  public String getEncryption() {
    return encryption;
  }

  public void setEncryption(String encryption) {
    this.encryption = encryption;
  }

  public Boolean getManagePolicy() {
    return managePolicy;
  }

  public void setManagePolicy(Boolean managePolicy) {
    this.managePolicy = managePolicy;
  }

  public BucketDeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(BucketDeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }
}
