package io.xaccess.reconciler;

import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.api.v1alpha1.RetryStatus;
import io.xaccess.config.Backoff;
import io.xaccess.config.XaccessConfig;
import io.xaccess.status.GrantStatusBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;

/**
 * Passing problems — throttling, AWS 5xx and codeless answers, dropped connections, and as a last
 * resort anything the operator did not expect — are retried by the operator itself, not by the
 * Operator SDK (whose retries run out): exponential backoff from {@code
 * xaccess.retry.initial-delay} to {@code max-delay}, the count and first failure kept in status (so
 * a restart keeps them), one log line per failure, and an Event once {@code report-after} attempts
 * in a row have failed.
 */
@ApplicationScoped
public class Retries {

  private static final Logger LOG = Logger.getLogger(Retries.class);

  private final XaccessConfig.Retry settings;
  private final Backoff backoff;
  private final GrantEvents events;
  private final Clock clock;

  public Retries(XaccessConfig config, GrantEvents events, Clock clock) {
    this.settings = config.retry();
    this.backoff = new Backoff(settings.initialDelay(), settings.maxDelay());
    this.events = events;
    this.clock = clock;
  }

  /** Records a passing failure ({@code message} says what failed, where, and AWS's answer). */
  Duration failed(
      CrossAccountAccess resource, GrantStatusBuilder status, Reason reason, String message) {
    RetryStatus previous = status.previous().getRetry();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    int attempts =
        previous == null || previous.getAttempts() == null ? 1 : previous.getAttempts() + 1;
    String since =
        previous == null || previous.getSince() == null ? now.toString() : previous.getSince();
    Duration delay = backoff.after(attempts);
    RetryStatus retry = new RetryStatus();
    retry.setSince(since);
    retry.setAttempts(attempts);
    retry.setNextAttempt(now.plus(delay).toString());
    String counted =
        message
            + " ("
            + (attempts == 1 ? "first failure" : attempts + " failures in a row since " + since)
            + "; retrying in "
            + delay.toSeconds()
            + " s)";
    status.retrying(reason, counted, retry);
    LOG.warnf(
        "%s/%s: %s",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), counted);
    if (attempts == settings.reportAfter()) {
      events.warning(resource, Reason.StillFailing, counted);
    }
    return delay;
  }

  /**
   * The last resort for an exception nobody classified: a condition with a readable message, one
   * log line (the stack trace at debug), and the same backoff.
   */
  Duration unexpected(CrossAccountAccess resource, GrantStatusBuilder status, RuntimeException e) {
    LOG.debugf(
        e,
        "unexpected error reconciling %s/%s",
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName());
    return failed(
        resource,
        status,
        Reason.ReconcileError,
        "unexpected error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
  }
}
