package io.xaccess.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every version of a grant the API server sends, in order, from a watch; closed with this. */
public final class GrantVersions implements AutoCloseable {

  private final KubernetesClient client;
  private final List<Watch> watches = new CopyOnWriteArrayList<>();

  public GrantVersions(KubernetesClient client) {
    this.client = client;
  }

  /** The versions of grant {@code ns/name} from now on, filled as they arrive. */
  public List<CrossAccountAccess> record(String ns, String name) {
    List<CrossAccountAccess> versions = new CopyOnWriteArrayList<>();
    watches.add(
        client
            .resources(CrossAccountAccess.class)
            .inNamespace(ns)
            .withName(name)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, CrossAccountAccess resource) {
                    versions.add(resource);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                }));
    return versions;
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
    watches.clear();
  }
}
