package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * A change of a Manual grant waiting for approval: what it adds to and removes from the access, in
 * IAM terms, and the change sets that carry it out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlanStatus {

  @JsonPropertyDescription(
      "Identifies exactly this change (both stacks' configuration and the grant's lifetime):"
          + " approve it with the annotation xaccess.io/approve-plan=<hash>.")
  private String hash;

  @JsonPropertyDescription(
      "Preparing (change sets being made) or Ready (complete: waiting for approval).")
  private String state;

  @JsonPropertyDescription(
      "The configuration hashes of the stacks the plan was computed against; a plan is made again"
          + " when they change (the end applied while it waits).")
  private String basedOn;

  @JsonPropertyDescription("The metadata.generation the plan was made for.")
  private Long generation;

  @JsonPropertyDescription("When the plan was made (RFC 3339).")
  private String createdAt;

  @JsonPropertyDescription("The access once the plan is executed, in one paragraph.")
  private String summary;

  @JsonPropertyDescription(
      "What the change adds to the access AWS enforces (principals, actions, resources,"
          + " conditions, session length), one fact per line, as xaccess render --diff prints it.")
  private List<String> added = new ArrayList<>();

  @JsonPropertyDescription("What the change removes from the access, one fact per line.")
  private List<String> removed = new ArrayList<>();

  @JsonPropertyDescription(
      "The production stack's change set that carries the plan out (its ARN), created and not"
          + " executed; empty when the stack does not change or is created on approval.")
  private String productionChangeSet;

  @JsonPropertyDescription("The development stack's change set, as productionChangeSet.")
  private String developmentChangeSet;

  public String getHash() {
    return hash;
  }

  public void setHash(String hash) {
    this.hash = hash;
  }

  public String getBasedOn() {
    return basedOn;
  }

  public void setBasedOn(String basedOn) {
    this.basedOn = basedOn;
  }

  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  public Long getGeneration() {
    return generation;
  }

  public void setGeneration(Long generation) {
    this.generation = generation;
  }

  public String getCreatedAt() {
    return createdAt;
  }

  public void setCreatedAt(String createdAt) {
    this.createdAt = createdAt;
  }

  public String getSummary() {
    return summary;
  }

  public void setSummary(String summary) {
    this.summary = summary;
  }

  public List<String> getAdded() {
    return added;
  }

  public void setAdded(List<String> added) {
    this.added = added;
  }

  public List<String> getRemoved() {
    return removed;
  }

  public void setRemoved(List<String> removed) {
    this.removed = removed;
  }

  public String getProductionChangeSet() {
    return productionChangeSet;
  }

  public void setProductionChangeSet(String productionChangeSet) {
    this.productionChangeSet = productionChangeSet;
  }

  public String getDevelopmentChangeSet() {
    return developmentChangeSet;
  }

  public void setDevelopmentChangeSet(String developmentChangeSet) {
    this.developmentChangeSet = developmentChangeSet;
  }
}
