package io.xaccess.bench;

import io.xaccess.grant.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code make bench} measures with, from system properties ({@code -Dxaccess.bench.*}; the
 * Makefile maps {@code BENCH_*} variables onto them).
 *
 * @param grants N, the grants applied at once
 * @param runs sequential one-grant runs
 * @param motoNice the nice value moto runs at (empty: as started, the same as every other process);
 *     a negative one models AWS, which the cluster's own CPU use does not slow (needs root)
 * @param warmupRuns one-grant runs before them, not counted, on the operator and the floor alike
 *     (3; 1 with stack durations, where CloudFormation's time dominates)
 * @param pollInterval the operator's XACCESS_POLL_INTERVAL (its own default: 5s)
 * @param reconcileThreads QUARKUS_OPERATOR_SDK_CONCURRENT_RECONCILIATION_THREADS, empty for the
 *     Java Operator SDK default (50)
 * @param steadyResync XACCESS_RESYNC_INTERVAL for the steady-state window (default is 10m)
 * @param steadyWindow how long steady-state calls are counted
 * @param timeout how long N grants may take to become Ready before the bench gives up on them
 * @param operatorEnv further operator environment (tuning experiments), {@code K=V,K=V}
 * @param out where the report goes
 * @param motoThreads requests forwarded to moto at a time by a proxy in front of it (1: one at a
 *     time, as moto's backends are not thread-safe; 0: no proxy, straight to moto)
 * @param quietWait how long to wait, before each N-grant phase, for other work on the machine to
 *     stop (zero: do not wait)
 * @param profile record the operator with Java Flight Recorder while the N grants are created
 *     ({@code operator-many.jfr} in {@code out})
 * @param stackDuration how long each stack create or update takes ({@code 20s-60s}: drawn from that
 *     range per operation; {@code 20s}; empty: moto's own, done at once), shown by the proxy as AWS
 *     would show it
 * @param container how the operator runs: empty, as the packaged jar in a JVM process of its own
 *     ({@code -Xmx256m}); {@code docker}, as the container image ({@code imageTar}, loaded into a
 *     Docker engine that tools/docker/start-engine.sh starts) with the Helm chart's limits
 * @param imageTar the image tarball {@code make image} writes, for {@code container=docker}
 * @param floorGrants grants in the floor's N-grant phase: N, or 0 to skip it (with stack operations
 *     of tens of seconds and N in the thousands, its blocking threads take an hour)
 */
public record BenchSettings(
    int grants,
    int runs,
    String pollInterval,
    String reconcileThreads,
    String steadyResync,
    Duration steadyWindow,
    Duration timeout,
    Map<String, String> operatorEnv,
    Path out,
    int motoThreads,
    Duration quietWait,
    boolean profile,
    String stackDuration,
    String container,
    Path imageTar,
    int floorGrants,
    int warmupRuns,
    String motoNice) {

  /** The operator's own defaults, stated in the report beside what was used. */
  public static final String DEFAULT_POLL_INTERVAL = "5s";

  public static final String DEFAULT_RESYNC_INTERVAL = "10m";
  public static final int JOSDK_DEFAULT_THREADS = 50;

  public static final String DOCKER = "docker";

  public BenchSettings {
    if (!container.isBlank() && !container.equals(DOCKER)) {
      throw new IllegalArgumentException(
          "BENCH_CONTAINER must be empty (a JVM process) or " + DOCKER + ", not " + container);
    }
  }

  public static BenchSettings fromSystemProperties() {
    Map<String, String> env = new LinkedHashMap<>();
    String extra = get("operator-env", "");
    for (String pair : extra.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        env.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return new BenchSettings(
        Integer.parseInt(get("grants", "200")),
        Integer.parseInt(get("runs", "10")),
        get("poll-interval", DEFAULT_POLL_INTERVAL),
        get("threads", ""),
        get("steady-resync", "30s"),
        Durations.parse(get("steady-window", "2m")),
        Durations.parse(get("timeout", "20m")),
        env,
        Path.of(get("out", "target/bench")),
        Integer.parseInt(get("moto-threads", "1")),
        Durations.parse(get("quiet-wait", "15m")),
        Boolean.parseBoolean(get("profile", "false")),
        get("stack-duration", ""),
        get("container", ""),
        Path.of(get("image-tar", "target/xaccess-image.tar")),
        Integer.parseInt(get("floor-grants", get("grants", "200"))),
        Integer.parseInt(get("warmup-runs", get("stack-duration", "").isBlank() ? "3" : "1")),
        get("moto-nice", ""));
  }

  /** The shortest stack operation (zero: moto's own). */
  public Duration stackDurationMin() {
    return stackDuration.isBlank() ? Duration.ZERO : Durations.parse(stackDuration.split("-")[0]);
  }

  /** The longest stack operation. */
  public Duration stackDurationMax() {
    if (stackDuration.isBlank()) {
      return Duration.ZERO;
    }
    String[] range = stackDuration.split("-");
    return Durations.parse(range[range.length - 1]);
  }

  /** Whether the operator runs as its container image under Docker. */
  public boolean inDocker() {
    return container.equals(DOCKER);
  }

  /** The reconcile pool size in effect. */
  public int effectiveThreads() {
    return reconcileThreads.isBlank() ? JOSDK_DEFAULT_THREADS : Integer.parseInt(reconcileThreads);
  }

  private static String get(String name, String fallback) {
    String value = System.getProperty("xaccess.bench." + name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }
}
