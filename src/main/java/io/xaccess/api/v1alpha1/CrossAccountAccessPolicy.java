package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PrinterColumnFormat;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Cluster-scoped and owned by the platform team: which namespaces may grant which access. A grant
 * is permitted when one policy that selects its namespace permits all of it; a namespace that no
 * policy selects can grant nothing (docs/tenancy.md).
 */
@Group(CrossAccountAccess.GROUP)
@Version(CrossAccountAccess.VERSION)
@Plural("crossaccountaccesspolicies")
@ShortNames("xaap")
@Categories("xaccess")
@AdditionalPrinterColumn(
    name = "Namespaces",
    jsonPath = ".spec.namespaces.names",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Selector",
    jsonPath = ".spec.namespaces.selector.matchLabels",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Production",
    jsonPath = ".spec.production[*].accountId",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Development",
    jsonPath = ".spec.development[*].accountId",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Buckets",
    jsonPath = ".spec.buckets.names",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Existing",
    jsonPath = ".spec.buckets.existing",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE,
    format = PrinterColumnFormat.DATE_TIME)
public class CrossAccountAccessPolicy extends CustomResource<CrossAccountAccessPolicySpec, Void> {

  /** What {@code kubectl explain crossaccountaccesspolicy} shows. */
  public static final String DESCRIPTION =
      "Which namespaces may grant which cross-account access, owned by the platform team. A"
          + " CrossAccountAccess is permitted when one policy that selects its namespace permits"
          + " all of it (accounts, bucket, role name, actions, session lengths, trust conditions,"
          + " deletion behaviour); a namespace that no policy selects can create no grant. Enforced"
          + " at admission and again by the operator before any AWS call.";

  @Override
  @JsonPropertyDescription(
      "The namespaces this policy applies to and what their grants may use. Every list is an"
          + " allow-list; an omitted optional list allows anything the CrossAccountAccess schema"
          + " allows.")
  public CrossAccountAccessPolicySpec getSpec() {
    return super.getSpec();
  }
}
