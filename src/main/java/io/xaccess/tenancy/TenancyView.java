package io.xaccess.tenancy;

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
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * The one view of tenancy in the process: two Fabric8 informers (list and watch, the rights the
 * operator's ClusterRole has) on CrossAccountAccessPolicies and namespaces. The webhook answers
 * from it on every replica, so it starts at startup when the webhook is enabled; the reconciler
 * decides from it and its event sources ({@link TenancyEvents}) listen to it, so the leader starts
 * it when those sources start. Either way each object is watched once per process.
 */
@ApplicationScoped
public class TenancyView implements PolicyView {

  private static final Logger LOG = Logger.getLogger(TenancyView.class);

  private final KubernetesClient client;
  private final boolean admission;
  private SharedIndexInformer<CrossAccountAccessPolicy> policies;
  private SharedIndexInformer<Namespace> namespaces;
  private CompletableFuture<Void> synced;

  TenancyView(KubernetesClient client, XaccessConfig config) {
    this.client = client;
    this.admission = config.admission().enabled();
  }

  void startForAdmission(@Observes StartupEvent event) {
    if (admission) {
      // Not waited for: until both have listed once, ready() is false and every review is refused.
      start();
    }
  }

  /**
   * Starts both informers once (later calls return the same stage), completed when both have listed
   * once.
   */
  synchronized CompletableFuture<Void> start() {
    if (synced == null) {
      policies = client.resources(CrossAccountAccessPolicy.class).runnableInformer(0);
      namespaces = client.namespaces().runnableInformer(0);
      synced =
          CompletableFuture.allOf(
              started(policies, "CrossAccountAccessPolicies"), started(namespaces, "namespaces"));
    }
    return synced;
  }

  private static CompletableFuture<Void> started(SharedIndexInformer<?> informer, String what) {
    return informer
        .start()
        .toCompletableFuture()
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                LOG.errorf(
                    "tenancy: could not list %s (%s); no grant is permitted until it can",
                    what, failure.getMessage());
              } else {
                LOG.infof("tenancy: %s read", what);
              }
            });
  }

  synchronized SharedIndexInformer<CrossAccountAccessPolicy> policyInformer() {
    return policies;
  }

  synchronized SharedIndexInformer<Namespace> namespaceInformer() {
    return namespaces;
  }

  synchronized void stop(@Observes ShutdownEvent event) {
    if (policies != null) {
      policies.stop();
      namespaces.stop();
    }
  }

  @Override
  public synchronized boolean ready() {
    return policies != null
        && policies.isRunning()
        && namespaces.isRunning()
        && policies.hasSynced()
        && namespaces.hasSynced();
  }

  @Override
  public Collection<CrossAccountAccessPolicy> policies() {
    var informer = policyInformer();
    return informer == null ? List.of() : informer.getStore().list();
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    var informer = namespaceInformer();
    Namespace cached = informer == null ? null : informer.getStore().getByKey(namespace);
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
