package io.xaccess.tenancy;

import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import java.util.Collection;
import java.util.Map;

/**
 * What a tenancy decision is made with: every tenancy policy and a namespace's labels. The webhook
 * and the reconciler read the same one ({@link TenancyView}).
 */
public interface PolicyView {

  /**
   * Whether the view has read every policy and namespace once; until then, nothing is permitted.
   */
  boolean ready();

  /** Every CrossAccountAccessPolicy of the cluster. */
  Collection<CrossAccountAccessPolicy> policies();

  /** The labels of {@code namespace} (empty when it has none or is unknown). */
  Map<String, String> namespaceLabels(String namespace);
}
