package io.xaccess.bench;

import static io.xaccess.bench.Distribution.seconds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Renders a {@link BenchResult} as the Markdown report (report.md, copied to docs/). */
public final class BenchReport {

  public static final String CHART = "time-to-ready.png";

  private BenchReport() {}

  public static String markdown(BenchResult r) {
    StringBuilder md = new StringBuilder();
    BenchResult.Settings s = r.settings();
    BenchResult.OneGrant one = r.oneGrant();
    BenchResult.ManyGrants many = r.manyGrants();
    BenchResult.Floor floor = r.floor();
    boolean floorN = floor.n() > 0;
    BenchResult.SteadyState steady = r.steadyState();

    md.append("# xaccess benchmark\n\n");
    md.append(
        "Produced by `make bench` ("
            + r.runSeconds() / 60
            + " min "
            + r.runSeconds() % 60
            + " s, started "
            + r.date()
            + "). "
            + (r.container() == null
                ? "The packaged operator runs as its own JVM (`target/quarkus-app/quarkus-run.jar`)"
                : "The operator runs as its container image (`"
                    + r.container().image()
                    + "`) under a real Docker engine, with the Helm chart's limits and"
                    + " securityContext,")
            + " against a real kube-apiserver + etcd and one moto server emulating both AWS"
            + " accounts, all on this one machine. "
            + (r.stacks().stackDuration().isBlank()
                ? "moto creates stacks synchronously, so these figures measure the operator's own"
                    + " overhead (waiting, queueing, Kubernetes and AWS round trips), not"
                    + " CloudFormation's provisioning time, which on AWS adds tens of seconds per"
                    + " stack."
                : "Every stack create and update takes "
                    + r.stacks().stackDuration()
                    + " (drawn per operation): the proxy in front of moto shows the stack"
                    + " `*_IN_PROGRESS` in DescribeStacks and ListStacks until then, as AWS would;"
                    + " operator and floor both see it.")
            + "\n\n");

    md.append("## Machine and settings\n\n| | |\n|---|---|\n");
    row(md, "CPU", r.machine().cpuModel() + ", " + r.machine().cores() + " cores");
    row(md, "memory", r.machine().memoryMb() + " MB");
    row(md, "OS", r.machine().os() + " (" + r.machine().kernel() + ")");
    row(md, "JDK", r.machine().jdk());
    row(md, "load average before the run (1/5/15 min)", r.machine().loadAverageAtStart());
    row(md, "components", s.versions());
    row(md, "N (grants at once)", "" + s.grants());
    row(md, "moto's CPU priority", s.motoPriority());
    row(
        md,
        "one-grant runs",
        s.runs()
            + ", after "
            + s.warmupRuns()
            + " warm-up runs not counted (`BENCH_WARMUP_RUNS`; the floor has as many, at least"
            + " one)");
    row(
        md,
        "poll interval (`XACCESS_POLL_INTERVAL`)",
        s.pollInterval() + " (operator default " + BenchSettings.DEFAULT_POLL_INTERVAL + ")");
    row(
        md,
        "reconcile threads",
        s.reconcileThreads()
            + (s.reconcileThreadsDefault()
                ? " (Java Operator SDK default; `QUARKUS_OPERATOR_SDK_CONCURRENT_RECONCILIATION_THREADS` unset)"
                : " (`QUARKUS_OPERATOR_SDK_CONCURRENT_RECONCILIATION_THREADS`)"));
    row(
        md,
        "resync interval",
        s.resyncInterval()
            + " (default) while creating; "
            + s.steadyResync()
            + " for the steady-state window, scaled back to "
            + s.resyncInterval());
    row(
        md,
        "operator JVM",
        s.operatorHeap()
            + ", "
            + (r.memory().isEmpty() ? "?" : r.memory().get(0).collector())
            + " GC, log level DEBUG for io.xaccess");
    BenchResult.Container c = r.container();
    if (c != null) {
      row(
          md,
          "operator container (`BENCH_CONTAINER=docker`)",
          String.format(
              Locale.ROOT,
              "`%s` (%s) on %s: `docker run %s`, the API server's kubeconfig mounted read-only;"
                  + " entrypoint `%s`. **OOM-killed: %s**; memory cgroup peak %d MB of the %d MB"
                  + " limit (%d containers: %s)",
              c.image(),
              c.imageId().replaceFirst("^sha256:", "").substring(0, 12),
              c.engine(),
              c.runOptions(),
              c.entrypoint(),
              c.oomKilled() ? "yes" : "no",
              c.peakMb(),
              c.memoryLimitMb(),
              c.runs().size(),
              String.join(
                  ", ",
                  c.runs().stream()
                      .map(
                          run ->
                              String.format(
                                  Locale.ROOT,
                                  "%s exit %d%s, peak %d MB",
                                  run.name(),
                                  run.exitCode(),
                                  run.oomKilled() ? " OOM-killed" : "",
                                  run.peakMb()))
                      .toList())));
    }
    row(
        md,
        "AWS endpoint",
        s.motoThreads() > 0
            ? "moto behind a proxy (`AwsFaultProxy`) forwarding "
                + s.motoThreads()
                + " request(s) at a time: moto's backends are not thread-safe, and under"
                + " concurrent CreateStack calls they fail with HTTP 500 and can leave a stack"
                + " CREATE_IN_PROGRESS for ever; operator and floor both go"
                + " through it"
            : "moto directly (no proxy)");
    if (!s.operatorEnv().isEmpty()) {
      row(md, "extra operator environment", "`" + s.operatorEnv() + "`");
    }
    row(md, "grant", s.grantShape());
    row(
        md,
        "stack operations (`BENCH_STACK_DURATION`)",
        r.stacks().stackDuration().isBlank()
            ? "moto's own: done within the call"
            : r.stacks().stackDuration() + " per create or update (deletes at once)");

    md.append("\n## Headline\n\n| measure | operator | floor (direct SDK) | operator / floor |\n");
    md.append("|---|---|---|---|\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| one grant, apply → Ready, median | %s | %s | %.1f× |\n",
            seconds(one.timeToReady().p50Ms()),
            seconds(floor.one().p50Ms()),
            floor.ratioOneMedian()));
    md.append(
        String.format(
            Locale.ROOT,
            "| one grant, p95 | %s | %s | %.1f× |\n",
            seconds(one.timeToReady().p95Ms()),
            seconds(floor.one().p95Ms()),
            floor.ratioOneP95()));
    md.append(
        String.format(
            Locale.ROOT,
            "| %d grants at once, until all Ready | %s | %s | %s |\n",
            many.n(),
            seconds(many.allReadyMs()),
            floorN ? seconds(floor.allDoneMs()) : NOT_RUN,
            floorN ? times(floor.ratioManyTotal()) : "–"));
    md.append(
        String.format(
            Locale.ROOT,
            "| throughput | %.1f grants/min | %s | |\n",
            many.throughputPerMinute(),
            floorN
                ? String.format(Locale.ROOT, "%.1f grants/min", floor.throughputPerMinute())
                : NOT_RUN));
    md.append(
        String.format(
            Locale.ROOT,
            "| time to Ready p50 / p95 / p99 (N grants) | %s / %s / %s | %s | %s |\n",
            seconds(many.timeToReady().p50Ms()),
            seconds(many.timeToReady().p95Ms()),
            seconds(many.timeToReady().p99Ms()),
            floorN
                ? seconds(floor.many().p50Ms())
                    + " / "
                    + seconds(floor.many().p95Ms())
                    + " / "
                    + seconds(floor.many().p99Ms())
                : NOT_RUN,
            floorN ? times(floor.ratioManyP50()) + " (p50)" : "–"));
    md.append(
        String.format(
            Locale.ROOT,
            "| AWS calls per grant to Ready | %.1f (one) / %.1f (N) | %.1f | |\n",
            one.totalCallsPerGrant(),
            many.totalCallsPerGrant(),
            floor.totalCallsPerGrant()));
    md.append(
        String.format(
            Locale.ROOT,
            "| steady state, calls per grant per hour (10 min resync, 1 h verification) | %.1f"
                + " (mutating in window: %d) | – | |\n",
            steady.totalPerGrantPerHour(),
            steady.mutatingCallsInWindow()));
    overshootRow(
        md,
        "overshoot: last stack operation done → Ready",
        r.stacks().overshootOne(),
        r.stacks().overshootMany());
    overshootRow(
        md,
        "of it the operator's own: the overshoot less the time the grant's requests were at moto"
            + " (queued behind other requests, or answered)",
        r.stacks().overshootOwnOne(),
        r.stacks().overshootOwnMany());
    md.append(
        String.format(
            Locale.ROOT,
            "| of the operator's own (N), p50 / p95: last stack operation done → the grant's next"
                + " request · moto's last answer → Ready; the watch's `ListStacks`, queued and"
                + " answered | %s / %s · %s / %s; %s / %s | | |\n",
            seconds(r.stacks().ownUntilFirstCall().p50Ms()),
            seconds(r.stacks().ownUntilFirstCall().p95Ms()),
            seconds(r.stacks().ownAfterLastAnswer().p50Ms()),
            seconds(r.stacks().ownAfterLastAnswer().p95Ms()),
            seconds(r.stacks().listStacksAtProxy().p50Ms()),
            seconds(r.stacks().listStacksAtProxy().p95Ms())));
    md.append(
        String.format(
            Locale.ROOT,
            "| CloudFormation calls per second, N grants: DescribeStacks peak / mean · ListStacks"
                + " peak / mean | %d / %.1f · %d / %.1f | | |\n",
            r.stacks().peakPerSecond().getOrDefault("DescribeStacks", 0L),
            r.stacks().meanPerSecond().getOrDefault("DescribeStacks", 0.0),
            r.stacks().peakPerSecond().getOrDefault("ListStacks", 0L),
            r.stacks().meanPerSecond().getOrDefault("ListStacks", 0.0)));
    ProcessProbe.Memory idle = r.memory().get(0);
    ProcessProbe.Memory atN = r.memory().size() > 1 ? r.memory().get(1) : idle;
    md.append(
        String.format(
            Locale.ROOT,
            "| operator RSS idle / with %d grants | %d MB / %d MB (heap after GC %d / %d MB) | | |\n",
            many.n() + 1,
            idle.rssMb(),
            atN.rssMb(),
            idle.heapUsedAfterGcMb(),
            atN.heapUsedAfterGcMb()));
    if (c != null) {
      md.append(
          String.format(
              Locale.ROOT,
              "| operator container (%d MB limit, 1 CPU): OOM-killed · memory cgroup peak | %s · %d"
                  + " MB | | |\n",
              c.memoryLimitMb(),
              c.oomKilled() ? "**yes**" : "no",
              c.peakMb()));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| process start → first reconcile | %s (restart with %d grants: %s) | | |\n",
            seconds(r.startup().processToFirstReconcileMs()),
            r.restart().grants(),
            seconds(r.restart().processToFirstReconcileMs())));
    String contention =
        contention(r, "the operator's N-grant phase", many.cpuSeconds())
            + (floorN ? contention(r, "the floor's N-grant phase", floor.cpuSeconds()) : "");
    md.append(
        contention.isEmpty()
            ? "\nNo other work ran on the machine during the N-grant phases (CPU outside the"
                + " bench's processes below 10% of the machine).\n"
            : "\n**Warning:**"
                + contention
                + " Those figures are pessimistic; rerun on a quiet"
                + " machine.\n");
    md.append("\n![time-to-Ready distribution](" + CHART + ")\n");

    // 1
    md.append("\n## 1. One grant\n\n");
    md.append(
        "Sequential runs; each a fresh grant with its own name, bucket and role, **deleted (and"
            + " waited for until gone, both stacks removed) before the next**, so the operator"
            + " always has one grant in flight (plus one settled grant from start-up). Time to"
            + " Ready = the bench's informer seeing `Ready=True` for the current generation minus"
            + " the moment the bench sent the create (monotonic clock in the bench JVM).\n\n");
    md.append("| | min | p50 | p95 | max | mean |\n|---|---|---|---|---|---|\n");
    dist(md, "apply → Ready (watch)", one.timeToReady());
    dist(
        md,
        "apply → Ready (server: Ready lastTransitionTime − creationTimestamp, 1 s steps)",
        one.serverTimeToReady());
    dist(md, "delete → gone", one.deleteToGone());
    md.append(
        "\nRuns (ms): "
            + one.runsMs()
            + (one.warmupMs().isEmpty()
                ? ""
                : "; the warm-up runs before them, not counted: "
                    + one.warmupMs()
                    + " (the first is the first grant this process deployed after the start-up"
                    + " grant)")
            + ". ");
    md.append(
        String.format(
            Locale.ROOT,
            "Reconciles per grant to Ready: %.1f. The operator's path: create the production"
                + " stack and look at it once right away, as the floor does; if it is done, go on"
                + " in the same reconcile (development stack, the same, then verify). Where such"
                + " looks find operations still in progress (AWS), they stop for a minute and the"
                + " grant registers the stack with the stack watch instead, to be woken by the"
                + " watch's first ListStacks that no longer shows it in progress (a round every"
                + " `XACCESS_STACK_WATCH_INTERVAL`, 500 ms by default); a grant polls its own"
                + " stack (every %s) only where the watch cannot see it. The floor looks again"
                + " every 100 ms.\n",
            one.reconcilesPerGrant(),
            s.pollInterval()));

    // 2
    md.append("\n## 2. " + many.n() + " grants at once\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "All %d created by 16 client threads in %d ms; the bench's informer notes each grant's"
                + " first Ready. %d of %d became Ready; the last %s after the first create.\n\n",
            many.n(),
            many.applyMs(),
            many.ready(),
            many.n(),
            seconds(many.allReadyMs())));
    md.append("| | min | p50 | p95 | p99 | max | mean |\n|---|---|---|---|---|---|---|\n");
    dist7(md, "apply → Ready (watch)", many.timeToReady());
    dist7(md, "apply → Ready (server, 1 s steps)", many.serverTimeToReady());
    md.append(
        String.format(
            Locale.ROOT,
            "\nThroughput %.1f grants/min. Reconciles per grant %.1f; at most %d reconciles"
                + " executing and %d queued at the 5 s samples. Failed AWS calls: %d.\n\n",
            many.throughputPerMinute(),
            many.reconcilesPerGrant(),
            many.peakExecutingReconciles(),
            many.peakQueuedReconciles(),
            many.failedCalls()));
    md.append(
        String.format(
            Locale.ROOT,
            "Requests that reached moto: %d (the operator counted %.0f calls; the difference is"
                + " SDK retries). moto answered %d requests with HTTP 500 during this phase%s.\n\n",
            many.requestsAtMoto(),
            many.totalCallsPerGrant() * many.n(),
            many.moto().serverErrors(),
            many.moto().exceptions().isEmpty()
                ? ""
                : " (Python exceptions inside moto: " + many.moto().exceptions() + ")"));
    if (!many.motoBusySeconds().isEmpty()) {
      md.append(
          "Seconds from forwarding a request to moto to its answer, summed by action (with"
              + " BENCH_MOTO_THREADS=1 one request at a time: the time moto was busy): "
              + many.motoBusySeconds().entrySet().stream()
                  .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                  .collect(java.util.stream.Collectors.joining(", "))
              + ".\n\n");
    }
    md.append(
        "CPU seconds used until all were Ready, and by the floor's N grants (section 3); "
            + r.machine().cores()
            + " cores = "
            + r.machine().cores()
            + " CPU s per s. \"Other processes\" is the machine's busy time (`/proc/stat`) not"
            + " spent by the processes listed: work outside the bench on a shared machine.\n\n");
    md.append("| process | operator, N grants | floor, N grants |\n|---|---|---|\n");
    for (String k : many.cpuSeconds().keySet()) {
      row(
          md,
          k,
          String.format(Locale.ROOT, "%.1f", many.cpuSeconds().get(k))
              + " | "
              + (floor.cpuSeconds().containsKey(k)
                  ? String.format(Locale.ROOT, "%.1f", floor.cpuSeconds().get(k))
                  : "–"));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "\n`/q/metrics`: %d series (%d KB) before, %d series (%d KB) with %d grants —"
                + " %.0f series per grant (the Java Operator SDK's metrics are kept per"
                + " controller; per resource, the Quarkus extension's default, they were 80 per"
                + " grant).\n",
            many.metricsSeriesBefore(),
            many.metricsBytesBefore() / 1024,
            many.metricsSeriesAtN(),
            many.metricsBytesAtN() / 1024,
            many.n() + 1,
            (many.metricsSeriesAtN() - many.metricsSeriesBefore()) / (double) many.n()));

    // 3
    md.append("\n## 3. The floor: the same work with direct AWS SDK calls\n\n");
    md.append(
        "Same moto, same run, after the operator's phases: create the production stack from"
            + " `production.yaml` with the parameters `GrantStacks` computes for the same kind of"
            + " resource, `DescribeStacks` until complete (100 ms poll), create the development"
            + " stack, wait, assume the verifier role and from it the production role, put, get"
            + " (compare), list (the object must be listed: the operator's proof of"
            + " `s3:ListBucket`) and delete one object. Deployer sessions are opened once and clients"
            + " shared, as the operator caches them. Untimed warm-up grants first, as many as the"
            + " operator had (at least one). For N, the"
            + " grants run on "
            + floor.parallelism()
            + " threads — the operator's reconcile pool size — each timed from the common start."
            + "\n\nParameter check: "
            + floor.parameterCheck()
            + ".\n\n");
    md.append("| | min | p50 | p95 | p99 | max | mean |\n|---|---|---|---|---|---|---|\n");
    dist7(md, "one grant", floor.one());
    if (floorN) {
      dist7(md, floor.n() + " grants, " + floor.parallelism() + " threads", floor.many());
    }
    md.append(
        floorN
            ? ""
            : "\nThe floor's N-grant phase was not run (`BENCH_FLOOR_GRANTS=0`): with stack"
                + " operations of tens of seconds, its blocking threads would take "
                + many.n()
                + " / "
                + floor.parallelism()
                + " rounds of them; the operator's overshoot after CloudFormation finished is the"
                + " measure there.\n");
    if (floorN) {
      md.append(
          String.format(
              Locale.ROOT,
              "\n%d grants in %s (%.1f grants/min), %d failed%s; moto answered %d requests with"
                  + " HTTP 500%s. Operator / floor: one grant median %.1f×, p95 %.1f×; N grants total"
                  + " %.1f×, p50 %.1f×.\n",
              floor.n(),
              seconds(floor.allDoneMs()),
              floor.throughputPerMinute(),
              floor.failures(),
              floor.failureExamples().isEmpty() ? "" : " (" + floor.failureExamples() + ")",
              floor.moto().serverErrors(),
              floor.moto().exceptions().isEmpty()
                  ? ""
                  : " (Python exceptions inside moto: " + floor.moto().exceptions() + ")",
              floor.ratioOneMedian(),
              floor.ratioOneP95(),
              floor.ratioManyTotal(),
              floor.ratioManyP50()));
    }

    // 4
    md.append("\n## 4. AWS calls\n\n");
    md.append(
        "Counted by the operator itself (`xaccess_aws_calls_total{service,operation,outcome}` on"
            + " its management port, one count per SDK call, retries included) and, for the floor,"
            + " by the same kind of SDK interceptor. Per grant, from apply to Ready; deployer"
            + " sessions are cached, so their `AssumeRole` is amortised.\n\n");
    md.append("| call | operator, one grant | operator, N at once | floor |\n|---|---|---|---|\n");
    TreeSet<String> ops = new TreeSet<>();
    ops.addAll(one.callsPerGrant().keySet());
    ops.addAll(many.callsPerGrant().keySet());
    ops.addAll(floor.callsPerGrant().keySet());
    for (String op : ops) {
      md.append(
          "| "
              + op
              + " | "
              + num(one.callsPerGrant().get(op))
              + " | "
              + num(many.callsPerGrant().get(op))
              + " | "
              + num(floor.callsPerGrant().get(op))
              + " |\n");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| **total** | **%.2f** | **%.2f** | **%.2f** |\n",
            one.totalCallsPerGrant(),
            many.totalCallsPerGrant(),
            floor.totalCallsPerGrant()));

    md.append("\n### Steady state (no spec changes)\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "The operator was restarted with `XACCESS_RESYNC_INTERVAL` and"
                + " `XACCESS_DRIFT_INTERVAL` at %s (a drift check at each resync) and, once every"
                + " grant had been reconciled after the restart, calls were counted for %d s with"
                + " %d settled grants: %d reconciles, calls %s, **%d mutating calls**, **%d status"
                + " writes** (changes seen by the watch). Scaled to the default 10 min resync and"
                + " 10 min drift check (6 of each an hour) plus one proof of access an hour"
                + " (`verification.interval` default 1h; the verifier's S3 calls as measured in"
                + " section 1, and its two `AssumeRole` hops). The drift check's reads are the IAM"
                + " calls, `GetBucketPolicy`, `GetBucketEncryption`, `GetPublicAccessBlock` and"
                + " `GetKeyPolicy`:\n\n",
            steady.resync(),
            steady.windowSeconds(),
            steady.grants(),
            steady.reconciles(),
            steady.callsInWindow(),
            steady.mutatingCallsInWindow(),
            steady.statusWritesInWindow()));
    md.append("| call | per reconcile | per grant per hour |\n|---|---|---|\n");
    Map<String, Double> hour = new LinkedHashMap<>(steady.resyncCallsPerGrantPerHour());
    steady.verificationCallsPerGrantPerHour().forEach((k, v) -> hour.merge(k, v, Double::sum));
    for (String op : new TreeSet<>(hour.keySet())) {
      md.append(
          "| "
              + op
              + " | "
              + num(steady.callsPerReconcile().get(op))
              + " | "
              + num(hour.get(op))
              + (steady.verificationCallsPerGrantPerHour().containsKey(op)
                  ? " (incl. hourly proof)"
                  : "")
              + " |\n");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| **total** | | **%.1f** |\n\nThe hourly proof writes and removes one object under"
                + " the verification prefix (`PutObject`, `DeleteObject`): 2 S3 writes per grant"
                + " per hour by design; no CloudFormation, IAM or KMS write happens in steady"
                + " state, and a drift check that finds nothing writes nothing.\n",
            steady.totalPerGrantPerHour()));
    md.append(
        String.format(
            Locale.ROOT,
            "\nRestart sweep: after a restart every grant is reconciled once; calls per grant"
                + " %s (mutating: %d).\n",
            r.restart().callsPerGrant(),
            r.restart().mutatingCalls()));

    // 5
    md.append("\n## 5. Memory and start-up\n\n");
    md.append(
        "RSS is `VmRSS` from `/proc/<pid>/status` (peak: `VmHWM`); heap after a full GC from"
            + " `jcmd <pid> GC.run` then `GC.heap_info`"
            + (c == null
                ? ".\n\n"
                : " (the container's JVM by its pid on this machine). Container memory is its"
                    + " memory cgroup's usage and peak since the container started"
                    + " (`memory.usage_in_bytes` / `memory.max_usage_in_bytes`, or v2's"
                    + " `memory.current` / `memory.peak`): page cache and the /tmp tmpfs"
                    + " included, what the "
                    + c.memoryLimitMb()
                    + " MB limit and the OOM killer go by; file pages another cgroup read first"
                    + " (the image's libjvm, for one) are charged there, so it can be below RSS."
                    + " The peak column is per container: the restart starts a new one.\n\n"));
    md.append(
        "| moment | RSS | peak RSS | heap used after GC | heap committed | metaspace | threads |"
            + (c == null ? "" : " container memory | container peak |")
            + "\n");
    md.append("|---|---|---|---|---|---|---|" + (c == null ? "" : "---|---|") + "\n");
    for (ProcessProbe.Memory m : r.memory()) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d MB | %d MB | %d MB | %d MB | %d MB | %d |",
              m.label(),
              m.rssMb(),
              m.peakRssMb(),
              m.heapUsedAfterGcMb(),
              m.heapCommittedMb(),
              m.metaspaceUsedMb(),
              m.threads()));
      if (c != null) {
        md.append(
            String.format(Locale.ROOT, " %d MB | %d MB |", m.containerMb(), m.containerPeakMb()));
      }
      md.append("\n");
    }
    md.append("\n| start-up (from the OS process start) | |\n|---|---|\n");
    row(
        md,
        "Quarkus started",
        seconds(r.startup().processToStartedMs())
            + " (log: "
            + r.startup().quarkusReported()
            + ")");
    row(md, "controller processing events", seconds(r.startup().processToEventProcessingMs()));
    row(
        md,
        "first reconcile (one grant present)",
        seconds(r.startup().processToFirstReconcileMs()));
    row(
        md,
        "restart with " + r.restart().grants() + " grants: first reconcile",
        seconds(r.restart().processToFirstReconcileMs()));
    row(
        md,
        "restart with " + r.restart().grants() + " grants: every grant reconciled",
        seconds(r.restart().processToAllReconciledMs()));

    md.append("\n## Operator log: warnings and errors\n\n");
    List<OperatorLog.Problem> problems = r.logProblems();
    if (problems.isEmpty()) {
      md.append("None.\n");
    } else {
      md.append("| level | count | example |\n|---|---|---|\n");
      for (OperatorLog.Problem p : problems) {
        md.append(
            "| "
                + p.level()
                + " | "
                + p.count()
                + " | `"
                + p.example().replace("|", "\\|").replace("`", "'")
                + "` |\n");
      }
    }

    md.append("\n## Reproduce\n\n```bash\n");
    md.append("make bench                    # N=200\n");
    md.append("make bench BENCH_GRANTS=50    # other N; the Makefile lists BENCH_RUNS,\n");
    md.append("                              # BENCH_POLL_INTERVAL, BENCH_THREADS, ...\n");
    md.append(
        "make bench BENCH_CONTAINER=docker  # the container image with the chart's limits\n```\n");
    md.append(
        "\nOutputs: `target/bench/report.md`, `report.json` (every figure, including each"
            + " grant's time), `"
            + CHART
            + "`, and the operator logs.\n");
    return md.toString();
  }

  /** A sentence when processes outside the bench used more than 10% of the machine, else "". */
  private static String contention(BenchResult r, String phase, Map<String, Double> cpu) {
    Double other = cpu.get("other processes on the machine");
    Double wall = cpu.get("wall clock");
    if (other == null || wall == null || wall == 0) {
      return "";
    }
    double share = other / (wall * r.machine().cores());
    return share < 0.10
        ? ""
        : String.format(
            Locale.ROOT,
            " other work on the machine used %.0f%% of its CPU during %s.",
            share * 100,
            phase);
  }

  private static void row(StringBuilder md, String key, String value) {
    md.append("| ").append(key).append(" | ").append(value).append(" |\n");
  }

  /** One row: p50 / p95 of the one-grant runs · p50 / p95 / p99 of the N grants. */
  private static void overshootRow(
      StringBuilder md, String what, Distribution one, Distribution many) {
    md.append(
        String.format(
            Locale.ROOT,
            "| %s, p50 / p95 (one) · p50 / p95 / p99 (N) | %s / %s · %s / %s / %s | | |\n",
            what,
            seconds(one.p50Ms()),
            seconds(one.p95Ms()),
            seconds(many.p50Ms()),
            seconds(many.p95Ms()),
            seconds(many.p99Ms())));
  }

  private static void dist(StringBuilder md, String what, Distribution d) {
    cells(md, what, d.minMs(), d.p50Ms(), d.p95Ms(), d.maxMs(), d.meanMs());
  }

  private static void dist7(StringBuilder md, String what, Distribution d) {
    cells(md, what, d.minMs(), d.p50Ms(), d.p95Ms(), d.p99Ms(), d.maxMs(), d.meanMs());
  }

  private static void cells(StringBuilder md, String what, long... millis) {
    md.append("| ").append(what);
    for (long ms : millis) {
      md.append(" | ").append(seconds(ms));
    }
    md.append(" |\n");
  }

  private static String num(Double value) {
    return value == null ? "–" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static final String NOT_RUN = "not run";

  private static String times(double ratio) {
    return String.format(Locale.ROOT, "%.1f×", ratio);
  }
}
