package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What a policy lets its grants do beyond the safe defaults; each is false unless set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyAllowances {

  @JsonPropertyDescription(
      "Grants may set deletionPolicy: Orphan (deleting the grant leaves its access in AWS).")
  private Boolean orphan;

  @JsonPropertyDescription(
      "Grants may set bucket.deletionPolicy: Delete (an empty bucket xaccess created is removed"
          + " with the grant).")
  private Boolean bucketDelete;

  @JsonPropertyDescription(
      "Grants may carry the xaccess.io/release-finalizer annotation (deleting the grant without"
          + " touching AWS).")
  private Boolean releaseFinalizer;

  @JsonPropertyDescription(
      "Grants may reach an account with static keys from a Secret (credentials.secretRef), for"
          + " emulators and bootstrap; never for an account whose deployerRoleArn is set.")
  private Boolean staticCredentials;

  public Boolean getOrphan() {
    return orphan;
  }

  public void setOrphan(Boolean orphan) {
    this.orphan = orphan;
  }

  public Boolean getBucketDelete() {
    return bucketDelete;
  }

  public void setBucketDelete(Boolean bucketDelete) {
    this.bucketDelete = bucketDelete;
  }

  public Boolean getReleaseFinalizer() {
    return releaseFinalizer;
  }

  public void setReleaseFinalizer(Boolean releaseFinalizer) {
    this.releaseFinalizer = releaseFinalizer;
  }

  public Boolean getStaticCredentials() {
    return staticCredentials;
  }

  public void setStaticCredentials(Boolean staticCredentials) {
    this.staticCredentials = staticCredentials;
  }
}
