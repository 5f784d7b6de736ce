package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator observed, in the kstatus shape: Ready, Reconciling and Stalled conditions with
 * observedGeneration, so kubectl wait, Argo CD and Flux understand it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CrossAccountAccessStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Where the grant is: Pending, DeployingProduction, DeployingDevelopment, Verifying, Ready,"
          + " Expired (spec.expiresAt or spec.ttl reached: access closed on purpose),"
          + " AwaitingApproval (spec.updatePolicy Manual: a plan waits; the deployed access is"
          + " unchanged), Failed or Deleting.")
  private Phase phase;

  @JsonPropertyDescription(
      "Ready, Reconciling and Stalled (kstatus), plus ProductionStackReady,"
          + " DevelopmentStackReady and AccessVerified, each with a reason and message; Drifted"
          + " once the live configuration was compared with the declared one.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The production stack and what it created.")
  private ProductionStackStatus production;

  @JsonPropertyDescription("The development stack and what it created.")
  private DevelopmentStackStatus development;

  @JsonPropertyDescription("The latest proof of access through the assumed role.")
  private VerificationResult lastVerification;

  @JsonPropertyDescription(
      "The last comparison of the production role, bucket and key in AWS with what the stack"
          + " declares, and the last repair (spec.driftPolicy).")
  private DriftStatus drift;

  @JsonPropertyDescription(
      "Set while a passing problem (throttling, an AWS or network failure, an unexpected error) is"
          + " retried with backoff; the Reconciling condition says what failed. Gone once a"
          + " reconcile succeeds.")
  private RetryStatus retry;

  @JsonPropertyDescription(
      "The CrossAccountAccessPolicy that permits this grant (the first by name, when several"
          + " do); empty while none does.")
  private String permittedBy;

  @JsonPropertyDescription(
      "When the access ends or ended (RFC 3339): spec.expiresAt, or for spec.ttl the first Ready"
          + " time plus the ttl. Empty while the grant has no end (or a ttl grant was never"
          + " Ready).")
  private String expiresAt;

  @JsonPropertyDescription("When the grant first became Ready; spec.ttl counts from here.")
  private String firstReadyTime;

  @JsonPropertyDescription(
      "When the operator last closed the access at expiry. Sessions issued before it stay denied"
          + " after a renewal, so credentials from before the expiry never come back to life.")
  private String closedAt;

  @JsonPropertyDescription(
      "The bound the production role denies sessions issued before (aws:TokenIssueTime): the"
          + " later of the xaccess.io/revoke-sessions-before annotation and closedAt, once the"
          + " production stack carries it.")
  private String sessionsRevokedBefore;

  @JsonPropertyDescription(
      "spec.updatePolicy Manual: the change waiting for approval, with what it adds and removes"
          + " and its change sets. Gone once executed, or when the spec is back to what is"
          + " deployed.")
  private PlanStatus plan;

  @JsonPropertyDescription(
      "The plan hash of the configuration deployed now: an approval annotation still carrying it"
          + " is spent, not stale.")
  private String appliedPlan;

  public DriftStatus getDrift() {
    return drift;
  }

  public void setDrift(DriftStatus drift) {
    this.drift = drift;
  }

  public PlanStatus getPlan() {
    return plan;
  }

  public void setPlan(PlanStatus plan) {
    this.plan = plan;
  }

  public String getAppliedPlan() {
    return appliedPlan;
  }

  public void setAppliedPlan(String appliedPlan) {
    this.appliedPlan = appliedPlan;
  }

  public String getExpiresAt() {
    return expiresAt;
  }

  public void setExpiresAt(String expiresAt) {
    this.expiresAt = expiresAt;
  }

  public String getFirstReadyTime() {
    return firstReadyTime;
  }

  public void setFirstReadyTime(String firstReadyTime) {
    this.firstReadyTime = firstReadyTime;
  }

  public String getClosedAt() {
    return closedAt;
  }

  public void setClosedAt(String closedAt) {
    this.closedAt = closedAt;
  }

  public String getSessionsRevokedBefore() {
    return sessionsRevokedBefore;
  }

  public void setSessionsRevokedBefore(String sessionsRevokedBefore) {
    this.sessionsRevokedBefore = sessionsRevokedBefore;
  }

  public String getPermittedBy() {
    return permittedBy;
  }

  public void setPermittedBy(String permittedBy) {
    this.permittedBy = permittedBy;
  }

  public RetryStatus getRetry() {
    return retry;
  }

  public void setRetry(RetryStatus retry) {
    this.retry = retry;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public ProductionStackStatus getProduction() {
    return production;
  }

  public void setProduction(ProductionStackStatus production) {
    this.production = production;
  }

  public DevelopmentStackStatus getDevelopment() {
    return development;
  }

  public void setDevelopment(DevelopmentStackStatus development) {
    this.development = development;
  }

  public VerificationResult getLastVerification() {
    return lastVerification;
  }

  public void setLastVerification(VerificationResult lastVerification) {
    this.lastVerification = lastVerification;
  }
}
