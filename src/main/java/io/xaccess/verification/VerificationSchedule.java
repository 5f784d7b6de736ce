package io.xaccess.verification;

import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.api.v1alpha1.VerificationResult;
import io.xaccess.config.Backoff;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Grant;
import io.xaccess.metrics.GrantMetrics;
import io.xaccess.status.GrantStatusBuilder;
import io.xaccess.status.GrantStatusBuilder.Step;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When to prove access again, and what a result means: after every change of either stack (the
 * configuration hash), every {@code verification.interval}, and — while new IAM roles may still be
 * propagating — after a failure, with exponential backoff for {@code propagationWindow} before the
 * grant is reported as failing. The last result lives in status, so the schedule survives restarts.
 */
@ApplicationScoped
public class VerificationSchedule {

  private static final String SUCCEEDED = "Succeeded";
  private static final String FAILED = "Failed";

  private final AccessVerifier verifier;
  private final GrantMetrics metrics;
  private final XaccessConfig.Verification settings;
  private final Backoff backoff;
  private final Duration resync;
  private final Clock clock;

  public VerificationSchedule(
      AccessVerifier verifier, GrantMetrics metrics, XaccessConfig config, Clock clock) {
    this.verifier = verifier;
    this.metrics = metrics;
    this.settings = config.verification();
    this.backoff = new Backoff(settings.retryInitialDelay(), settings.retryMaxDelay());
    this.resync = config.resyncInterval();
    this.clock = clock;
  }

  /**
   * Verifies the grant if a proof is due, records the outcome in {@code status}, and returns when
   * to look again.
   *
   * @param configurationHash what both stacks were deployed with; a new one makes a proof due
   */
  public Duration advance(
      Grant grant,
      GrantStatusBuilder status,
      String roleArn,
      String verifierRoleArn,
      String configurationHash) {
    Instant now = clock.instant();
    VerificationResult last = status.lastVerification();
    boolean sameConfig = last != null && configurationHash.equals(last.getConfigurationHash());
    boolean lastSucceeded = sameConfig && SUCCEEDED.equals(last.getResult());
    int failedAttempts =
        sameConfig && last.getFailedAttempts() != null ? last.getFailedAttempts() : 0;
    Instant lastTime =
        last == null || last.getTime() == null ? Instant.EPOCH : Instant.parse(last.getTime());
    Duration interval = grant.verification().interval();

    Duration wait;
    if (lastSucceeded) {
      wait = interval.isZero() ? null : interval.minus(Duration.between(lastTime, now));
    } else if (sameConfig && failedAttempts > 0) {
      wait = retryDelay(failedAttempts).minus(Duration.between(lastTime, now));
    } else {
      wait = Duration.ZERO;
    }
    if (wait == null || wait.compareTo(Duration.ZERO) > 0) {
      // Not due: report the last result as it stands.
      if (lastSucceeded) {
        status.verification(Step.DONE, Reason.UploadSucceeded, last.getMessage());
      } else {
        status.verification(
            failedAttempts > propagationAttempts() ? Step.FAILED : Step.IN_PROGRESS,
            Reason.VerificationFailed,
            last.getMessage());
      }
      return wait == null ? resync : min(wait, resync);
    }

    VerificationOutcome outcome = verifier.verify(grant, roleArn, verifierRoleArn);
    metrics.verification(outcome.succeeded(), Duration.ofMillis(outcome.durationMillis()));
    int attempts = outcome.succeeded() ? 0 : failedAttempts + 1;
    status.lastVerification(record(outcome, configurationHash, attempts));
    if (outcome.succeeded()) {
      status.verification(Step.DONE, outcome.reason(), outcome.message());
      return interval.isZero() ? resync : min(interval, resync);
    }
    if (attempts <= propagationAttempts()) {
      // New roles take a while to be usable everywhere: retry with backoff before failing.
      status.verification(
          Step.IN_PROGRESS,
          Reason.WaitingForPropagation,
          "attempt "
              + attempts
              + " failed, IAM changes may still be propagating: "
              + outcome.message());
      return retryDelay(attempts);
    }
    status.verification(Step.FAILED, outcome.reason(), outcome.message());
    return min(retryDelay(attempts), resync);
  }

  private VerificationResult record(
      VerificationOutcome outcome, String configurationHash, int failedAttempts) {
    VerificationResult result = new VerificationResult();
    result.setTime(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    result.setResult(outcome.succeeded() ? SUCCEEDED : FAILED);
    result.setObjectKey(outcome.objectKey());
    result.setDurationMillis(outcome.durationMillis());
    result.setMessage(outcome.message());
    result.setConfigurationHash(configurationHash);
    result.setFailedAttempts(failedAttempts);
    return result;
  }

  /** How many failed attempts fit into the propagation window. */
  int propagationAttempts() {
    long window = settings.propagationWindow().toMillis();
    int attempts = 0;
    long waited = 0;
    while (waited < window) {
      attempts++;
      waited += retryDelay(attempts).toMillis();
    }
    return attempts;
  }

  /** The wait after the {@code attempts}-th failure: doubling from the initial delay, capped. */
  Duration retryDelay(int attempts) {
    return backoff.after(attempts);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
