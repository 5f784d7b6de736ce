package io.xaccess.config;

import java.time.Duration;

/**
 * Exponential backoff: {@code initial} after the first failure, doubling with each further one,
 * never longer than {@code max}. Shared by the verification retries and the passing-problem
 * retries.
 */
public record Backoff(Duration initial, Duration max) {

  /** The wait after the {@code attempts}-th failure in a row (1 for the first). */
  public Duration after(int attempts) {
    Duration delay = initial.multipliedBy(1L << Math.min(Math.max(attempts, 1) - 1, 20));
    return delay.compareTo(max) <= 0 ? delay : max;
  }
}
