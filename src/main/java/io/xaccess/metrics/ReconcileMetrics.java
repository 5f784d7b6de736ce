package io.xaccess.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Java Operator SDK's reconcile metrics per controller, not per resource. The Quarkus extension
 * defaults to one set of series per grant (about 80, histograms included): 200 grants made 17,800
 * series on /q/metrics (make bench). Per grant, the status and events say what happened.
 */
@Singleton
public class ReconcileMetrics {

  @Produces
  @Singleton
  Metrics operatorMetrics(MeterRegistry registry) {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }
}
