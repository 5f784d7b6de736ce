package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** One resource of the production stack whose live configuration differs from the declared one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftFinding {

  @JsonPropertyDescription(
      "The resource, in words: \"trust policy of role DevToProdS3Publisher\", \"policy"
          + " xaccess-objects of role ...\", \"bucket policy of acme-prod-artifacts\".")
  private String resource;

  @JsonPropertyDescription(
      "What changed, each in plain words (\"statement ObjectAccessWithinPrefix: action"
          + " s3:deleteobject added\"). Secret values (an external id) are never written out.")
  private List<String> changes = new ArrayList<>();

  public DriftFinding() {}

  public DriftFinding(String resource, List<String> changes) {
    this.resource = resource;
    this.changes = new ArrayList<>(changes);
  }

  public String getResource() {
    return resource;
  }

  public void setResource(String resource) {
    this.resource = resource;
  }

  public List<String> getChanges() {
    return changes;
  }

  public void setChanges(List<String> changes) {
    this.changes = changes;
  }
}
