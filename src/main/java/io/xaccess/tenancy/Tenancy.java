package io.xaccess.tenancy;

import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import io.xaccess.api.v1alpha1.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The reconciler's side of tenancy: decides each grant from {@link TenancyView} (the informers the
 * webhook reads too) and turns a change of a policy or of a namespace's labels into events for
 * exactly the grants it concerns, so a grant waiting for a policy resumes within seconds.
 */
@ApplicationScoped
public class Tenancy {

  private final TenancyView view;

  public Tenancy(TenancyView view) {
    this.view = view;
  }

  /** The event sources the reconciler registers; started on the leader, they start the view. */
  public List<EventSource<?, CrossAccountAccess>> eventSources(
      EventSourceContext<CrossAccountAccess> context) {
    var grants = context.getPrimaryCache();
    var policies =
        new TenancyEvents<>(
            CrossAccountAccessPolicy.class,
            "tenancy-policies",
            view,
            TenancyView::policyInformer,
            grants,
            this::concerns,
            (updated, old) -> true,
            this::selecting);
    var namespaces =
        new TenancyEvents<>(
            Namespace.class,
            "tenancy-namespaces",
            view,
            TenancyView::namespaceInformer,
            grants,
            (namespace, grant) ->
                namespace.getMetadata().getName().equals(grant.getMetadata().getNamespace()),
            // Only labels decide selection: other namespace changes wake nothing.
            (updated, old) ->
                !Objects.equals(updated.getMetadata().getLabels(), old.getMetadata().getLabels()),
            grant -> Set.of());
    return List.of(policies, namespaces);
  }

  /** Decides for {@code grant} with the policies and namespace labels seen so far. */
  public Verdict decide(CrossAccountAccess grant) {
    if (!view.ready()) {
      return Verdict.refused("the operator has not read the CrossAccountAccessPolicies yet");
    }
    return TenancyRules.evaluate(
        grant, view.namespaceLabels(grant.getMetadata().getNamespace()), view.policies());
  }

  /**
   * Whether a change of {@code policy} may change {@code grant}'s verdict: the policy selects its
   * namespace now, or it permitted the grant before, or the grant waits for a policy.
   */
  private boolean concerns(CrossAccountAccessPolicy policy, CrossAccountAccess grant) {
    var status = grant.getStatus();
    if (status != null && policy.getMetadata().getName().equals(status.getPermittedBy())) {
      return true;
    }
    if (status != null
        && status.getConditions() != null
        && status.getConditions().stream()
            .anyMatch(
                c ->
                    ConditionType.Stalled.name().equals(c.getType())
                        && Reason.NotPermitted.name().equals(c.getReason()))) {
      return true;
    }
    return selects(policy, grant);
  }

  private boolean selects(CrossAccountAccessPolicy policy, CrossAccountAccess grant) {
    String namespace = grant.getMetadata().getNamespace();
    return policy.getSpec() != null
        && TenancyRules.selects(
            policy.getSpec().getNamespaces(), namespace, view.namespaceLabels(namespace));
  }

  /** The policies that select {@code grant}'s namespace: what its verdict is made from. */
  private Set<CrossAccountAccessPolicy> selecting(CrossAccountAccess grant) {
    return view.policies().stream().filter(p -> selects(p, grant)).collect(Collectors.toSet());
  }
}
