package io.xaccess.admission;

import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import java.util.Collection;
import java.util.Map;

/** What the admission webhook decides with: every tenancy policy and a namespace's labels. */
public interface PolicyView {

  /** Whether the view has read every policy and namespace once; until then, nothing is admitted. */
  boolean ready();

  /** Every CrossAccountAccessPolicy of the cluster. */
  Collection<CrossAccountAccessPolicy> policies();

  /** The labels of {@code namespace} (empty when it has none or is unknown). */
  Map<String, String> namespaceLabels(String namespace);
}
