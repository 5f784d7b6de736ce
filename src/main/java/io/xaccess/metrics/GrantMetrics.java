package io.xaccess.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.xaccess.api.v1alpha1.Phase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's domain metrics, beside JOSDK's own reconcile metrics: grants by phase, stack
 * operations, time to Ready and verifications. (AWS calls are counted by {@code
 * io.xaccess.aws.AwsCallCounter}.)
 */
@ApplicationScoped
public class GrantMetrics {

  private final MeterRegistry registry;
  private final Map<String, Phase> phases = new ConcurrentHashMap<>();
  private final Timer timeToReady;

  public GrantMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Phase phase : Phase.values()) {
      Gauge.builder(
              "xaccess.grants", phases, p -> p.values().stream().filter(phase::equals).count())
          .description("Grants this operator reconciles, by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
    this.timeToReady =
        Timer.builder("xaccess.time.to.ready")
            .description("From a grant's creation to its first Ready")
            .publishPercentileHistogram()
            .register(registry);
  }

  /** Records the phase of a grant (by uid). */
  public void phase(String uid, Phase phase) {
    phases.put(uid, phase);
  }

  /** Forgets a deleted grant. */
  public void removed(String uid) {
    phases.remove(uid);
  }

  /** A grant became Ready for the first time, this long after it was created. */
  public void firstReady(Duration sinceCreation) {
    timeToReady.record(sinceCreation);
  }

  /**
   * A stack operation was started or failed.
   *
   * @param account production or development
   * @param operation create, update, delete, continue-rollback
   * @param result started or failed
   */
  public void stackOperation(String account, String operation, String result) {
    Counter.builder("xaccess.stack.operations")
        .description("CloudFormation operations, by account role, operation and result")
        .tags("account", account, "operation", operation, "result", result)
        .register(registry)
        .increment();
  }

  /**
   * The production role of a grant now denies sessions issued before a new bound.
   *
   * @param cause expiry (the grant expired) or annotation (xaccess.io/revoke-sessions-before)
   */
  public void sessionsRevoked(String cause) {
    Counter.builder("xaccess.session.revocations")
        .description("New revocation bounds deployed on grant roles, by cause")
        .tag("cause", cause)
        .register(registry)
        .increment();
  }

  /** One proof of access. */
  public void verification(boolean succeeded, Duration took) {
    String result = succeeded ? "succeeded" : "failed";
    Counter.builder("xaccess.verifications")
        .description("Proofs of access through the assumed role, by result")
        .tag("result", result)
        .register(registry)
        .increment();
    Timer.builder("xaccess.verification.duration")
        .description("How long a proof of access took")
        .tag("result", result)
        .register(registry)
        .record(took);
  }

  /**
   * One drift check.
   *
   * @param result none (the live configuration matches), drifted, or failed (AWS not read)
   */
  public void driftCheck(String result) {
    Counter.builder("xaccess.drift.checks")
        .description("Drift checks of deployed grants, by result")
        .tag("result", result)
        .register(registry)
        .increment();
  }

  /**
   * One drifted resource found by a check, by what it is (trust, role-policy, bucket-policy...).
   */
  public void driftFinding(String resource) {
    Counter.builder("xaccess.drift.findings")
        .description("Drifted resources found by drift checks, by kind of resource")
        .tag("resource", resource)
        .register(registry)
        .increment();
  }

  /**
   * One repair of a drifted grant.
   *
   * @param result repaired or failed
   */
  public void driftRepair(String result) {
    Counter.builder("xaccess.drift.repairs")
        .description("Repairs of drifted grants (driftPolicy Repair), by result")
        .tag("result", result)
        .register(registry)
        .increment();
  }
}
