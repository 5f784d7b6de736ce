package io.xaccess.tenancy;

import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import io.xaccess.api.v1alpha1.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's view of tenancy: every CrossAccountAccessPolicy and every namespace's labels, from
 * two informers (read-only: list and watch), and the grants each change concerns. A policy change
 * wakes the grants it may now permit or stop permitting, so a grant waiting for a policy resumes
 * within seconds; a namespace's label change wakes that namespace's grants.
 */
@ApplicationScoped
public class Tenancy {

  private volatile InformerEventSource<CrossAccountAccessPolicy, CrossAccountAccess> policies;
  private volatile InformerEventSource<Namespace, CrossAccountAccess> namespaces;

  /** The event sources the reconciler registers; they fill this view. */
  public List<EventSource<?, CrossAccountAccess>> eventSources(
      EventSourceContext<CrossAccountAccess> context) {
    var primaries = context.getPrimaryCache();
    policies =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(
                    CrossAccountAccessPolicy.class, CrossAccountAccess.class)
                .withName("tenancy-policies")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(
                    policy ->
                        primaries
                            .list(grant -> concerns(policy, grant))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    namespaces =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Namespace.class, CrossAccountAccess.class)
                .withName("tenancy-namespaces")
                .withWatchAllNamespaces()
                // Only labels decide selection: other namespace changes wake nothing.
                .withOnUpdateFilter(
                    (updated, previous) ->
                        !Objects.equals(
                            updated.getMetadata().getLabels(), previous.getMetadata().getLabels()))
                .withSecondaryToPrimaryMapper(
                    namespace ->
                        primaries
                            .list(
                                grant ->
                                    namespace
                                        .getMetadata()
                                        .getName()
                                        .equals(grant.getMetadata().getNamespace()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(policies, namespaces);
  }

  /** Decides for {@code grant} with the policies and namespace labels seen so far. */
  public Verdict decide(CrossAccountAccess grant) {
    if (policies == null || namespaces == null) {
      return Verdict.refused("the operator has not read the CrossAccountAccessPolicies yet");
    }
    String namespace = grant.getMetadata().getNamespace();
    Map<String, String> labels =
        namespaces
            .get(new ResourceID(namespace))
            .map(n -> n.getMetadata().getLabels())
            .orElse(Map.of());
    return TenancyRules.evaluate(grant, labels, policies.list().toList());
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
    if (policy.getSpec() == null) {
      return false;
    }
    String namespace = grant.getMetadata().getNamespace();
    Map<String, String> labels =
        namespaces == null
            ? Map.of()
            : namespaces
                .get(new ResourceID(namespace))
                .map(n -> n.getMetadata().getLabels())
                .orElse(Map.of());
    return TenancyRules.selects(policy.getSpec().getNamespaces(), namespace, labels);
  }

  /** The names of the policies seen so far (for tests and diagnostics). */
  public Set<String> policyNames() {
    return policies == null
        ? Set.of()
        : policies.list().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }
}
