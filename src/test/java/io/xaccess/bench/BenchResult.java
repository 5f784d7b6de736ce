package io.xaccess.bench;

import java.util.List;
import java.util.Map;

/** Everything one {@code make bench} run measured; serialised as report.json. */
public record BenchResult(
    String date,
    Machine machine,
    Settings settings,
    Startup startup,
    OneGrant oneGrant,
    ManyGrants manyGrants,
    Floor floor,
    Restart restart,
    SteadyState steadyState,
    List<ProcessProbe.Memory> memory,
    List<OperatorLog.Problem> logProblems,
    Stacks stacks,
    long runSeconds,
    Container container) {

  /**
   * How the operator ran with {@code BENCH_CONTAINER=docker}; null when it ran as a JVM process.
   *
   * @param image the image's name as loaded from target/xaccess-image.tar
   * @param imageId its id (the config digest)
   * @param engine the Docker engine: version, storage driver, cgroup version
   * @param runOptions the {@code docker run} options standing for the chart's limits and
   *     securityContext
   * @param entrypoint the image's entrypoint (its JVM flags, nothing added)
   * @param memoryLimitMb the memory limit (swap none)
   * @param runs each container started, in order, and how it ended
   * @param oomKilled whether the kernel OOM-killed any of them
   * @param peakMb the highest memory cgroup peak of them all
   */
  public record Container(
      String image,
      String imageId,
      String engine,
      String runOptions,
      String entrypoint,
      long memoryLimitMb,
      List<ContainerRun> runs,
      boolean oomKilled,
      long peakMb) {}

  /** One container: how it ended and its memory cgroup's peak (usage, page cache included). */
  public record ContainerRun(
      String name, boolean oomKilled, int exitCode, long peakMb, String error) {}

  /**
   * Stack operations and the operator's overshoot: from the end of a grant's last stack operation
   * (as the proxy timed it) to Ready as the bench saw it; and CloudFormation calls per second.
   *
   * @param stackDuration each create or update took this (empty: moto's own, done at once)
   * @param overshootOne one-grant runs
   * @param overshootMany the N grants
   * @param overshootOwnOne the overshoot less the time the grant's own requests were at moto
   *     (queued behind others' or answered): what is left is the operator's own (noticing the end,
   *     its threads, Kubernetes), one-grant runs
   * @param overshootOwnMany the same, N grants
   * @param ownUntilFirstCall N grants: from the end of the last stack operation to the grant's next
   *     request (the watch noticing, the wake, waiting for a reconcile thread)
   * @param ownAfterLastAnswer N grants: from moto's last answer to the grant to Ready
   * @param listStacksAtProxy the watch's ListStacks during the N-grant phase, arrival → answer
   * @param peakPerSecond the most calls of each CloudFormation action in one second (N grants)
   * @param meanPerSecond each action's calls per second over the N-grant phase
   */
  public record Stacks(
      String stackDuration,
      Distribution overshootOne,
      Distribution overshootMany,
      Distribution overshootOwnOne,
      Distribution overshootOwnMany,
      Distribution ownUntilFirstCall,
      Distribution ownAfterLastAnswer,
      Distribution listStacksAtProxy,
      Map<String, Long> peakPerSecond,
      Map<String, Double> meanPerSecond) {}

  /** The machine the run was on. */
  public record Machine(
      String cpuModel,
      int cores,
      long memoryMb,
      String os,
      String kernel,
      String jdk,
      String loadAverageAtStart) {}

  /** What the run was measured with. */
  public record Settings(
      int grants,
      int runs,
      int warmupRuns,
      String motoPriority,
      String pollInterval,
      int reconcileThreads,
      boolean reconcileThreadsDefault,
      String resyncInterval,
      String steadyResync,
      long steadyWindowSeconds,
      String operatorHeap,
      int motoThreads,
      Map<String, String> operatorEnv,
      String grantShape,
      String versions) {}

  /** From the operator process's start to its first reconcile (one grant already present). */
  public record Startup(
      long processToStartedMs,
      long processToEventProcessingMs,
      long processToFirstReconcileMs,
      String quarkusReported) {}

  /** Sequential single grants, each deleted (and its stacks gone) before the next. */
  public record OneGrant(
      List<Long> warmupMs,
      List<Long> runsMs,
      Distribution timeToReady,
      Distribution serverTimeToReady,
      Distribution deleteToGone,
      Map<String, Double> callsPerGrant,
      double totalCallsPerGrant,
      double reconcilesPerGrant) {}

  /** N grants applied at once. */
  public record ManyGrants(
      int n,
      long ready,
      long applyMs,
      long allReadyMs,
      double throughputPerMinute,
      Distribution timeToReady,
      Distribution serverTimeToReady,
      List<Long> timesMs,
      Map<String, Double> callsPerGrant,
      double totalCallsPerGrant,
      long failedCalls,
      double reconcilesPerGrant,
      int peakExecutingReconciles,
      int peakQueuedReconciles,
      Map<String, Double> cpuSeconds,
      MotoLog.Errors moto,
      long requestsAtMoto,
      Map<String, Double> motoBusySeconds,
      int metricsBytesBefore,
      int metricsSeriesBefore,
      int metricsBytesAtN,
      int metricsSeriesAtN) {}

  /** The same work as direct AWS SDK calls, no operator. */
  public record Floor(
      Distribution one,
      int n,
      int parallelism,
      long allDoneMs,
      double throughputPerMinute,
      Distribution many,
      List<Long> timesMs,
      long failures,
      List<String> failureExamples,
      MotoLog.Errors moto,
      Map<String, Double> cpuSeconds,
      Map<String, Double> callsPerGrant,
      double totalCallsPerGrant,
      boolean parametersIdentical,
      String parameterCheck,
      double ratioOneMedian,
      double ratioOneP95,
      double ratioManyTotal,
      double ratioManyP50) {}

  /** The operator restarted with N grants already Ready. */
  public record Restart(
      int grants,
      long processToFirstReconcileMs,
      long processToAllReconciledMs,
      Map<String, Double> callsPerGrant,
      long mutatingCalls) {}

  /** No spec changes: calls over a window with a short resync, scaled to the default. */
  public record SteadyState(
      String resync,
      long windowSeconds,
      int grants,
      long reconciles,
      Map<String, Long> callsInWindow,
      Map<String, Double> callsPerReconcile,
      Map<String, Double> resyncCallsPerGrantPerHour,
      Map<String, Double> verificationCallsPerGrantPerHour,
      double totalPerGrantPerHour,
      long mutatingCallsInWindow,
      long statusWritesInWindow) {}
}
