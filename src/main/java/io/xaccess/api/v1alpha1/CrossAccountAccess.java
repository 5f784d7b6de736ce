package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PrinterColumnFormat;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A grant of short-lived access from a development AWS account to one production S3 bucket, proven
 * by a real upload through the assumed role.
 */
@Group(CrossAccountAccess.GROUP)
@Version(CrossAccountAccess.VERSION)
@Plural("crossaccountaccesses")
@ShortNames("xaa")
@Categories("xaccess")
@AdditionalPrinterColumn(
    name = "Production",
    jsonPath = ".spec.production.accountId",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Development",
    jsonPath = ".spec.development.accountId",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Bucket",
    jsonPath = ".spec.bucket.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Verified",
    jsonPath = ".status.lastVerification.time",
    type = AdditionalPrinterColumn.Type.DATE,
    format = PrinterColumnFormat.DATE_TIME)
// The time itself, not an age: kubectl prints a date column as time since, and <invalid> for
// every time still to come — which is every expiry that matters.
@AdditionalPrinterColumn(
    name = "Expires",
    jsonPath = ".status.expiresAt",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Result",
    jsonPath = ".status.lastVerification.result",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Policy",
    jsonPath = ".status.permittedBy",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE,
    format = PrinterColumnFormat.DATE_TIME)
public class CrossAccountAccess
    extends CustomResource<CrossAccountAccessSpec, CrossAccountAccessStatus> implements Namespaced {

  public static final String GROUP = "xaccess.io";
  public static final String VERSION = "v1alpha1";

  /**
   * Annotation that lets a stuck resource be deleted without touching AWS (value {@code "true"}),
   * for an account that can no longer be reached.
   */
  public static final String RELEASE_ANNOTATION = "xaccess.io/release-finalizer";

  /**
   * Annotation (an RFC 3339 time) that makes the production role deny every session issued before
   * it, without ending the grant: for leaked credentials. New sessions keep working.
   */
  public static final String REVOKE_SESSIONS_ANNOTATION = "xaccess.io/revoke-sessions-before";

  /**
   * Annotation carrying the hash of the plan ({@code status.plan.hash}) that an approver lets a
   * Manual grant execute. The API server lets only users with the {@code approve} verb on
   * crossaccountaccesses set it (the chart's ValidatingAdmissionPolicy); a hash that is not the
   * current plan's executes nothing.
   */
  public static final String APPROVE_PLAN_ANNOTATION = "xaccess.io/approve-plan";

  /**
   * Annotation whose every new value asks for a drift check at once (the live production role,
   * bucket and key compared with what the stack declares), instead of at the next interval.
   */
  public static final String CHECK_DRIFT_ANNOTATION = "xaccess.io/check-drift";

  /** What {@code kubectl explain crossaccountaccess} shows. */
  public static final String DESCRIPTION =
      "A grant of short-lived access from a development AWS account to one production S3 bucket."
          + " The operator deploys a CloudFormation stack in each account, proves the access with"
          + " a real upload through the assumed role, and removes what it created (never user"
          + " data) when the resource is deleted.";

  @Override
  @JsonPropertyDescription(
      "What access to grant: the two accounts, the bucket, the role and the trust conditions.")
  public CrossAccountAccessSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "What the operator observed, in the kstatus shape (Ready, Reconciling, Stalled and"
          + " observedGeneration).")
  public CrossAccountAccessStatus getStatus() {
    return super.getStatus();
  }
}
