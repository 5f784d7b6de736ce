package io.xaccess.tenancy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A JOSDK event source that owns no informer: it listens to one of {@link TenancyView}'s and wakes
 * the grants a change concerns. Started (on the leader) it starts the view if the webhook has not,
 * and waits until the view has listed once, so the first reconciles decide with every policy.
 *
 * @param <R> a policy or a namespace
 */
final class TenancyEvents<R extends HasMetadata> extends AbstractEventSource<R, CrossAccountAccess>
    implements ResourceEventHandler<R> {

  /** How long starting waits for the view's first list before the controller fails to start. */
  static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);

  private final TenancyView view;
  private final Function<TenancyView, SharedIndexInformer<R>> informer;
  private final IndexerResourceCache<CrossAccountAccess> grants;
  private final BiPredicate<R, CrossAccountAccess> concerns;
  private final BiPredicate<R, R> worthWaking;
  private final Function<CrossAccountAccess, Set<R>> secondaries;
  private SharedIndexInformer<R> listening;

  /**
   * @param concerns whether a change of the object may change that grant's verdict
   * @param worthWaking of an update (new, old): whether it may change any verdict at all
   * @param secondaries the objects the grant's verdict is made from
   */
  TenancyEvents(
      Class<R> type,
      String name,
      TenancyView view,
      Function<TenancyView, SharedIndexInformer<R>> informer,
      IndexerResourceCache<CrossAccountAccess> grants,
      BiPredicate<R, CrossAccountAccess> concerns,
      BiPredicate<R, R> worthWaking,
      Function<CrossAccountAccess, Set<R>> secondaries) {
    super(type, name);
    this.view = view;
    this.informer = informer;
    this.grants = grants;
    this.concerns = concerns;
    this.worthWaking = worthWaking;
    this.secondaries = secondaries;
  }

  @Override
  public synchronized void start() throws OperatorException {
    try {
      view.start().get(SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OperatorException("interrupted while reading " + name(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new OperatorException("could not read " + name() + " within " + SYNC_TIMEOUT, e);
    }
    listening = informer.apply(view);
    // A handler added to a running informer is told of every object it holds as an add.
    listening.addEventHandler(this);
    super.start();
  }

  @Override
  public synchronized void stop() throws OperatorException {
    if (listening != null) {
      listening.removeEventHandler(this);
      listening = null;
    }
    super.stop();
  }

  @Override
  public void onAdd(R object) {
    wake(g -> concerns.test(object, g));
  }

  @Override
  public void onUpdate(R old, R updated) {
    if (worthWaking.test(updated, old)) {
      // Both: a grant the old object concerned may be concerned no more, and the other way round.
      wake(g -> concerns.test(old, g) || concerns.test(updated, g));
    }
  }

  @Override
  public void onDelete(R object, boolean deletedFinalStateUnknown) {
    wake(g -> concerns.test(object, g));
  }

  private void wake(Predicate<CrossAccountAccess> which) {
    if (!isRunning()) {
      return;
    }
    Set<ResourceID> woken = new HashSet<>();
    grants.list(which).forEach(g -> woken.add(ResourceID.fromResource(g)));
    woken.forEach(id -> getEventHandler().handleEvent(new Event(id)));
  }

  @Override
  public Set<R> getSecondaryResources(CrossAccountAccess grant) {
    return secondaries.apply(grant);
  }
}
