package io.xaccess.bench;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An informer on the bench namespace that notes, per grant, when the bench created it and when the
 * watch first saw it Ready (Ready=True for its current generation) — a monotonic clock on both ends
 * — and when it was gone. It also counts every change the API server sends, so steady state can be
 * checked for status writes.
 */
public final class ReadyWatch implements AutoCloseable {

  /** What is known about one grant. */
  public static final class Grant {
    volatile long createdNanos;
    volatile long readyNanos;
    volatile long goneNanos;
    volatile long serverReadyMillis = -1;
    volatile Instant readyAt;

    /** When the bench saw the grant Ready (wall clock), or null. */
    public Instant readyAt() {
      return readyAt;
    }

    /** Bench-side time to Ready, ms; -1 while not Ready. */
    public long readyMillis() {
      return readyNanos == 0 ? -1 : (readyNanos - createdNanos) / 1_000_000;
    }

    /** Ready condition's lastTransitionTime minus creationTimestamp (1 s resolution), ms. */
    public long serverReadyMillis() {
      return serverReadyMillis;
    }
  }

  private final Map<String, Grant> grants = new ConcurrentHashMap<>();
  private final AtomicLong updates = new AtomicLong();
  private final SharedIndexInformer<CrossAccountAccess> informer;

  public ReadyWatch(KubernetesClient client, String namespace) {
    this.informer =
        client
            .resources(CrossAccountAccess.class)
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(CrossAccountAccess resource) {
                    seen(resource);
                  }

                  @Override
                  public void onUpdate(CrossAccountAccess old, CrossAccountAccess resource) {
                    if (!Objects.equals(
                        old.getMetadata().getResourceVersion(),
                        resource.getMetadata().getResourceVersion())) {
                      updates.incrementAndGet();
                    }
                    seen(resource);
                  }

                  @Override
                  public void onDelete(CrossAccountAccess resource, boolean unknownFinalState) {
                    grant(resource.getMetadata().getName()).goneNanos = System.nanoTime();
                  }
                },
                0);
  }

  /** Call just before sending the create. */
  public void created(String name) {
    Grant g = grant(name);
    g.readyNanos = 0;
    g.goneNanos = 0;
    g.createdNanos = System.nanoTime();
  }

  public Grant get(String name) {
    return grant(name);
  }

  /** Changes received so far (adds not included). */
  public long updates() {
    return updates.get();
  }

  /** Waits until every named grant has been seen Ready; false on timeout. */
  public boolean awaitReady(Collection<String> names, Duration timeout) {
    return await(() -> names.stream().allMatch(n -> grant(n).readyNanos != 0), timeout);
  }

  /** Waits until the grant is gone from the API server; false on timeout. */
  public boolean awaitGone(String name, Duration timeout) {
    return await(() -> grant(name).goneNanos != 0, timeout);
  }

  public long readyCount(Collection<String> names) {
    return names.stream().filter(n -> grant(n).readyNanos != 0).count();
  }

  private void seen(CrossAccountAccess resource) {
    Grant g = grant(resource.getMetadata().getName());
    if (g.readyNanos != 0 || resource.getStatus() == null) {
      return;
    }
    Long generation = resource.getMetadata().getGeneration();
    for (Condition c : resource.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())
          && "True".equals(c.getStatus())
          && Objects.equals(c.getObservedGeneration(), generation)) {
        g.readyAt = Instant.now();
        g.readyNanos = System.nanoTime();
        g.serverReadyMillis =
            Duration.between(
                    Instant.parse(resource.getMetadata().getCreationTimestamp()),
                    Instant.parse(c.getLastTransitionTime()))
                .toMillis();
      }
    }
  }

  private Grant grant(String name) {
    return grants.computeIfAbsent(name, n -> new Grant());
  }

  private static boolean await(java.util.function.BooleanSupplier done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    informer.close();
  }
}
