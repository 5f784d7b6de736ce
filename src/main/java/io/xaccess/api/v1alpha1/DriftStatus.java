package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The last comparison of the production resources in AWS with what the grant's stack declares, and
 * the last repair.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftStatus {

  @JsonPropertyDescription("When the live configuration was last read and compared (RFC 3339).")
  private String checkedAt;

  @JsonPropertyDescription(
      "What the last check found: NoDrift; Drifted (reported and not changed: driftPolicy Report,"
          + " or a resource no direct call can restore); Repaired; RepairFailed (AWS refused the"
          + " repair; tried again soon); CheckFailed (AWS could not be read; tried again soon).")
  private String result;

  @JsonPropertyDescription(
      "The resources found drifted by the last check, each with what changed; empty when none.")
  private List<DriftFinding> findings = new ArrayList<>();

  @JsonPropertyDescription(
      "The value of the xaccess.io/check-drift annotation the last check answered: setting the"
          + " annotation to any other value asks for a check at once.")
  private String checkRequest;

  @JsonPropertyDescription("When the operator last put the declared configuration back.")
  private String lastRepairAt;

  @JsonPropertyDescription("What the last repair put back.")
  private List<DriftFinding> lastRepair = new ArrayList<>();

  public String getCheckedAt() {
    return checkedAt;
  }

  public void setCheckedAt(String checkedAt) {
    this.checkedAt = checkedAt;
  }

  public String getResult() {
    return result;
  }

  public void setResult(String result) {
    this.result = result;
  }

  public List<DriftFinding> getFindings() {
    return findings;
  }

  public void setFindings(List<DriftFinding> findings) {
    this.findings = findings;
  }

  public String getCheckRequest() {
    return checkRequest;
  }

  public void setCheckRequest(String checkRequest) {
    this.checkRequest = checkRequest;
  }

  public String getLastRepairAt() {
    return lastRepairAt;
  }

  public void setLastRepairAt(String lastRepairAt) {
    this.lastRepairAt = lastRepairAt;
  }

  public List<DriftFinding> getLastRepair() {
    return lastRepair;
  }

  public void setLastRepair(List<DriftFinding> lastRepair) {
    this.lastRepair = lastRepair;
  }
}
