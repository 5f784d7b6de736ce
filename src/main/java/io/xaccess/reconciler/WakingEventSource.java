package io.xaccess.reconciler;

import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An event source that only wakes grants: started on the leader, it hands {@code start} the
 * function that reconciles a grant soon; stopped, it calls {@code stop}. It holds no secondary
 * resources. The stack watch and the start gate each register one.
 */
final class WakingEventSource extends AbstractEventSource<Void, CrossAccountAccess> {

  private final Consumer<Consumer<ResourceID>> start;
  private final Runnable stop;

  WakingEventSource(String name, Consumer<Consumer<ResourceID>> start, Runnable stop) {
    super(Void.class, name);
    this.start = start;
    this.stop = stop;
  }

  @Override
  public synchronized void start() throws OperatorException {
    start.accept(
        id -> {
          if (isRunning()) {
            getEventHandler().handleEvent(new Event(id));
          }
        });
    super.start();
  }

  @Override
  public synchronized void stop() throws OperatorException {
    stop.run();
    super.stop();
  }

  @Override
  public Set<Void> getSecondaryResources(CrossAccountAccess grant) {
    return Set.of();
  }
}
