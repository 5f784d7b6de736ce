package io.xaccess.aws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS API call the operator makes, by service, operation and outcome (one count per
 * logical call, whatever the SDK retried inside it), so calls per grant are measurable; and every
 * HTTP attempt ({@code xaccess_aws_attempts_total}), so the SDK's retries are visible: attempts
 * minus calls.
 */
@Singleton
public final class AwsCallCounter implements ExecutionInterceptor {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  public AwsCallCounter(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    Counter.builder("xaccess.aws.attempts")
        .description("HTTP attempts of AWS API calls (first tries and the SDK's retries)")
        .tags(
            "service",
            attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
            "operation",
            attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
        .register(registry)
        .increment();
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    count(attributes, "success");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    count(attributes, "failure");
  }

  private void count(ExecutionAttributes attributes, String outcome) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    counts
        .computeIfAbsent(service + ":" + operation + ":" + outcome, k -> new LongAdder())
        .increment();
    Counter.builder("xaccess.aws.calls")
        .description(
            "AWS API calls, by service, operation and outcome (one per call, not per retry)")
        .tags("service", service, "operation", operation, "outcome", outcome)
        .register(registry)
        .increment();
  }

  /** Calls so far, keyed {@code Service:Operation:outcome}, sorted. */
  public Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  /** Total calls so far. */
  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
