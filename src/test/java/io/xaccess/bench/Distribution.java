package io.xaccess.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Summary of a set of durations in milliseconds. Percentiles are nearest-rank (the smallest sample
 * with at least q of the samples at or below it), so every figure is a measured value.
 */
public record Distribution(
    int count, long minMs, long p50Ms, long p95Ms, long p99Ms, long maxMs, long meanMs) {

  public static Distribution of(Collection<Long> millis) {
    List<Long> sorted = new ArrayList<>(millis);
    sorted.sort(null);
    if (sorted.isEmpty()) {
      return new Distribution(0, 0, 0, 0, 0, 0, 0);
    }
    long sum = sorted.stream().mapToLong(Long::longValue).sum();
    return new Distribution(
        sorted.size(),
        sorted.get(0),
        rank(sorted, 0.50),
        rank(sorted, 0.95),
        rank(sorted, 0.99),
        sorted.get(sorted.size() - 1),
        sum / sorted.size());
  }

  private static long rank(List<Long> sorted, double q) {
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  /** Seconds with one decimal, for the report. */
  public static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
