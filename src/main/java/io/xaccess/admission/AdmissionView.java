package io.xaccess.admission;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import io.xaccess.config.XaccessConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The webhook's own view of tenancy: two Fabric8 informers (list and watch, the rights the
 * operator's ClusterRole has) on CrossAccountAccessPolicies and namespaces. Unlike the reconciler's
 * event sources, which run only on the leader, every replica starts these, so every replica behind
 * the webhook Service answers. Started only when the webhook is enabled.
 */
@ApplicationScoped
public class AdmissionView implements PolicyView {

  private static final Logger LOG = Logger.getLogger(AdmissionView.class);

  private final KubernetesClient client;
  private final boolean enabled;
  private volatile SharedIndexInformer<CrossAccountAccessPolicy> policies;
  private volatile SharedIndexInformer<Namespace> namespaces;

  AdmissionView(KubernetesClient client, XaccessConfig config) {
    this.client = client;
    this.enabled = config.admission().enabled();
  }

  void start(@Observes StartupEvent event) {
    if (!enabled) {
      return;
    }
    policies = client.resources(CrossAccountAccessPolicy.class).runnableInformer(0);
    namespaces = client.namespaces().runnableInformer(0);
    // Not waited for: until both have listed once, ready() is false and every review is refused.
    policies.start().whenComplete((ok, failure) -> logStart("CrossAccountAccessPolicies", failure));
    namespaces.start().whenComplete((ok, failure) -> logStart("namespaces", failure));
  }

  private static void logStart(String what, Throwable failure) {
    if (failure != null) {
      LOG.errorf(
          "admission: could not list %s (%s); the webhook refuses every grant until it can",
          what, failure.getMessage());
    } else {
      LOG.infof("admission: %s read", what);
    }
  }

  void stop(@Observes ShutdownEvent event) {
    if (policies != null) {
      policies.stop();
    }
    if (namespaces != null) {
      namespaces.stop();
    }
  }

  @Override
  public boolean ready() {
    return policies != null
        && namespaces != null
        && policies.isRunning()
        && namespaces.isRunning()
        && policies.hasSynced()
        && namespaces.hasSynced();
  }

  @Override
  public Collection<CrossAccountAccessPolicy> policies() {
    return policies == null ? List.of() : policies.getStore().list();
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    Namespace cached = namespaces == null ? null : namespaces.getStore().getByKey(namespace);
    if (cached == null) {
      // Created a moment ago and not seen yet: a list by name (the right the operator has).
      cached =
          client.namespaces().withField("metadata.name", namespace).list().getItems().stream()
              .findFirst()
              .orElse(null);
    }
    return Optional.ofNullable(cached).map(n -> n.getMetadata().getLabels()).orElse(Map.of());
  }
}
