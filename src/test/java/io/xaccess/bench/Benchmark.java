package io.xaccess.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.testing.AwsFaultProxy;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.SlowStacks;
import io.xaccess.testing.TestCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code make bench}: the packaged operator as its own process (or, with {@code
 * BENCH_CONTAINER=docker}, its container image under Docker with the Helm chart's limits: {@link
 * ContainerOperator}) against a real kube-apiserver and moto, measured end to end — one grant at a
 * time, N grants at once, the same work done directly with the AWS SDK (the floor), AWS calls per
 * grant and in steady state, memory and start-up — and written to {@code
 * target/bench/report.{md,json}} with a chart of the time-to-Ready distribution. Not part of {@code
 * make test}; it asserts nothing.
 */
public final class Benchmark {

  private static final String NS = BenchGrants.NAMESPACE;
  private static final String MACHINE = "machine";
  private static final Pattern RECONCILING =
      Pattern.compile("reconciling " + NS + "/(\\S+) generation");
  private static final Set<String> MUTATING_PREFIXES =
      Set.of(
          "Create",
          "Update",
          "Delete",
          "Put",
          "Execute",
          "Continue",
          "Schedule",
          "Attach",
          "Detach",
          "Tag",
          "Untag",
          "Set",
          "Cancel",
          "Enable",
          "Disable",
          "Copy",
          "Restore");

  private final BenchSettings settings;
  private final LocalKubeApiServer kube;
  private final AwsFaultProxy proxy;
  private final java.net.URI aws;
  private final KubernetesClient client;
  private final ReadyWatch watch;
  private final List<ProcessProbe.Memory> memory = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();
  private BenchOperator operator;

  /** The image under Docker (BENCH_CONTAINER=docker), else null: the jar as a JVM process. */
  private final ContainerOperator.Image image;

  private final List<ContainerOperator> containers = new ArrayList<>();
  private int managementPort;
  private final SlowStacks slow;

  /** What BENCH_MOTO_NICE did, for the report. */
  private String motoPriority =
      "as started: the same as every other process (BENCH_MOTO_NICE unset)";

  private Distribution overshootOne = Distribution.of(List.of());
  private Distribution overshootMany = Distribution.of(List.of());
  private Distribution overshootOwnOne = Distribution.of(List.of());
  private Distribution overshootOwnMany = Distribution.of(List.of());
  private Distribution ownUntilFirstCall = Distribution.of(List.of());
  private Distribution ownAfterLastAnswer = Distribution.of(List.of());
  private Distribution listStacksAtProxy = Distribution.of(List.of());

  private static final String LIST_STACKS = "ListStacks";

  /** A request's grant, by the bench's names in its stack, bucket, role or session name. */
  private static final java.util.regex.Pattern GRANT_NAME =
      java.util.regex.Pattern.compile("(many-\\d{4}|one-\\d{2}|warm-\\d{2})");

  private final Map<String, Long> peakPerSecond = new TreeMap<>();
  private final Map<String, Double> meanPerSecond = new TreeMap<>();

  /** The CloudFormation actions counted per second (the proxy counts every action). */
  private static final Set<String> CLOUDFORMATION =
      Set.of(
          "DescribeStacks",
          "ListStacks",
          "CreateStack",
          "DeleteStack",
          "DescribeStackResources",
          "DescribeStackEvents",
          "GetTemplate",
          "CreateChangeSet",
          "DescribeChangeSet",
          "ExecuteChangeSet",
          "DeleteChangeSet");

  private Benchmark(BenchSettings settings) {
    this.settings = settings;
    if (settings.inDocker()) {
      say("the operator runs as its container image: loading " + settings.imageTar());
      this.image = ContainerOperator.prepare(settings.imageTar());
      say("  " + image.name() + " (" + image.id() + ") on " + image.engine());
    } else {
      this.image = null;
    }
    say("starting kube-apiserver + etcd and moto");
    TestCluster cluster =
        TestCluster.start(TestCluster.Options.DEFAULT.motoConcurrency(settings.motoThreads()));
    this.kube = cluster.kube();
    this.proxy = settings.motoThreads() > 0 ? cluster.proxy() : null;
    this.aws = cluster.awsEndpoint();
    this.client = cluster.client();
    cluster.namespace(NS);
    this.watch = new ReadyWatch(client, NS);
    if (proxy == null && !settings.stackDuration().isBlank()) {
      throw new IllegalArgumentException(
          "BENCH_STACK_DURATION needs the proxy (BENCH_MOTO_THREADS > 0)");
    }
    if (!settings.motoNice().isBlank()) {
      motoPriority = renice(settings.motoNice());
      say("moto's CPU priority: " + motoPriority);
    }
    // Always timed, so the overshoot is measured also when stacks take no time.
    this.slow = new SlowStacks(settings.stackDurationMin(), settings.stackDurationMax());
    if (proxy != null) {
      proxy.slowStacks(slow);
      proxy.recordBy(
          request -> {
            if ("ListStacks".equals(request.action())) {
              return LIST_STACKS; // the stack watch's, for every grant of an identity
            }
            java.util.regex.Matcher m =
                GRANT_NAME.matcher(request.path() + " " + request.form().values());
            return m.find() ? m.group(1) : null;
          });
    }
  }

  /**
   * From the end of the grant's last stack operation, as the proxy timed it, to Ready as the bench
   * saw it; -1 if either is unknown.
   */
  private long overshoot(String name) {
    return overshoot(name, false);
  }

  /**
   * As {@link #overshoot(String)}; {@code own}: less the time the grant's requests spent at moto
   * within it (waiting behind others' requests, or answered), -1 without the proxy.
   */
  private long overshoot(String name, boolean own) {
    Instant[] window = window(name);
    if (window == null) {
      return -1;
    }
    Duration over = Duration.between(window[0], window[1]);
    if (own) {
      if (proxy == null || over.isNegative()) {
        return -1;
      }
      over = over.minus(proxy.atMoto(name, window[0], window[1]));
    }
    return over.toMillis();
  }

  /** When the grant's last stack operation ended and when it was Ready; null if either unknown. */
  private Instant[] window(String name) {
    Map<String, Instant> ends = slow.ends();
    Instant production = ends.get(StackNames.production(NS, name));
    Instant development = ends.get(StackNames.development(NS, name));
    Instant ready = watch.get(name).readyAt();
    if (production == null || development == null || ready == null) {
      return null;
    }
    return new Instant[] {production.isAfter(development) ? production : development, ready};
  }

  /**
   * The operator's own part of a grant's overshoot, where it falls: from the end of its last stack
   * operation to its first request after it (the watch noticing, the wake, a reconcile thread), and
   * from moto's last answer to it until Ready (status write, the watch that sees it); null without
   * the proxy or a request in between.
   */
  private long[] ownParts(String name) {
    Instant[] window = window(name);
    if (proxy == null || window == null) {
      return null;
    }
    Instant last = window[0];
    Instant ready = window[1];
    Instant first = null;
    Instant answered = null;
    for (Instant[] span : proxy.spans(name)) {
      if (!span[0].isBefore(last) && span[1].isBefore(ready)) {
        first = first == null || span[0].isBefore(first) ? span[0] : first;
        answered = answered == null || span[1].isAfter(answered) ? span[1] : answered;
      }
    }
    if (first == null) {
      return null;
    }
    return new long[] {
      Duration.between(last, first).toMillis(), Duration.between(answered, ready).toMillis()
    };
  }

  /**
   * How long each of the watch's ListStacks took at the proxy (queued and answered) in [from, to].
   */
  private Distribution listStacksTimes(Instant from, Instant to) {
    List<Long> times = new ArrayList<>();
    if (proxy != null) {
      for (Instant[] span : proxy.spans(LIST_STACKS)) {
        if (!span[0].isBefore(from) && span[1].isBefore(to)) {
          times.add(Duration.between(span[0], span[1]).toMillis());
        }
      }
    }
    return Distribution.of(times);
  }

  public static void main(String[] args) throws Exception {
    // The proxy in front of moto is the JDK's HttpServer, which leaves Nagle's algorithm on unless
    // told otherwise: small replies then wait for delayed ACKs, tens of ms per AWS call.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    BenchSettings settings = BenchSettings.fromSystemProperties();
    say(
        "load average (1/5/15 min) before the run: "
            + Machine.LOAD_AT_START
            + " — other work on this machine skews the figures");
    Files.createDirectories(settings.out());
    Instant began = Instant.now();
    Benchmark bench = new Benchmark(settings);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (bench.operator != null) {
                    bench.operator.close();
                  }
                },
                "bench-operator-stop"));
    int exit = 0;
    try {
      bench.run(began);
    } catch (Throwable failure) {
      failure.printStackTrace();
      say("bench failed; operator logs: " + bench.logs);
      exit = 1;
    } finally {
      if (bench.operator != null) {
        bench.operator.close();
      }
    }
    System.exit(exit); // shutdown hooks stop the API server and moto
  }

  private void run(Instant began) throws Exception {
    // Start-up: one grant exists before the operator starts, so "first reconcile" is measurable.
    create("startup");
    BenchResult.Startup startup = startOperator("operator.log", Map.of());
    require(watch.awaitReady(List.of("startup"), Duration.ofMinutes(3)), "startup grant Ready");
    Thread.sleep(5000);
    memory.add(operator.memory("idle (1 settled grant)"));

    BenchResult.OneGrant one = oneGrant();
    BenchResult.ManyGrants many = manyGrants();
    Thread.sleep(5000);
    memory.add(operator.memory("after creating N grants (" + (settings.grants() + 1) + " Ready)"));
    BenchResult.Floor floor = floor(one, many);

    say(
        "restarting the operator with XACCESS_RESYNC_INTERVAL and XACCESS_DRIFT_INTERVAL="
            + settings.steadyResync());
    operator.close();
    // A drift check at every resync, as at the defaults (both 10 min): its reads are counted.
    startOperator(
        "operator-steady.log",
        Map.of(
            "XACCESS_RESYNC_INTERVAL", settings.steadyResync(),
            "XACCESS_DRIFT_INTERVAL", settings.steadyResync()));
    BenchResult.Restart restart = restart();
    BenchResult.SteadyState steady = steadyState(one);
    memory.add(operator.memory("restarted, " + (settings.grants() + 1) + " settled grants"));
    operator.close();

    List<OperatorLog.Problem> problems =
        OperatorLog.problems(logs.stream().map(OperatorLog::new).toList());
    BenchResult result =
        new BenchResult(
            began.toString(),
            Machine.describe(),
            settingsRecord(),
            startup,
            one,
            many,
            floor,
            restart,
            steady,
            memory,
            problems,
            new BenchResult.Stacks(
                settings.stackDuration(),
                overshootOne,
                overshootMany,
                overshootOwnOne,
                overshootOwnMany,
                ownUntilFirstCall,
                ownAfterLastAnswer,
                listStacksAtProxy,
                Map.copyOf(peakPerSecond),
                Map.copyOf(meanPerSecond)),
            Duration.between(began, Instant.now()).toSeconds(),
            container());
    write(result);
  }

  // ---- phases ------------------------------------------------------------------------------

  private BenchResult.Startup startOperator(String logName, Map<String, String> extra)
      throws Exception {
    return startOperator(logName, extra, 1);
  }

  private BenchResult.Startup startOperator(String logName, Map<String, String> extra, int attempt)
      throws Exception {
    Path log = settings.out().resolve(logName);
    logs.add(log);
    managementPort = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("XACCESS_POLL_INTERVAL", settings.pollInterval());
    env.put("QUARKUS_MANAGEMENT_PORT", "" + managementPort);
    env.put("QUARKUS_LOG_CATEGORY__IO_XACCESS__LEVEL", "DEBUG");
    if (!settings.reconcileThreads().isBlank()) {
      env.put(
          "QUARKUS_OPERATOR_SDK_CONCURRENT_RECONCILIATION_THREADS", settings.reconcileThreads());
    }
    env.putAll(settings.operatorEnv());
    env.putAll(extra);
    if (image == null) {
      operator = BenchOperator.of(OperatorProcess.start(kube.kubeConfigFile(), aws, log, env));
    } else {
      // What OperatorProcess gives the JVM process, save its -Xmx: the image's flags decide.
      Map<String, String> all = new LinkedHashMap<>(OperatorProcess.environment(aws));
      all.putAll(env);
      String name = "xaccess-bench-" + logName.replaceAll("\\.log$", "");
      ContainerOperator container =
          ContainerOperator.start(image, name, kube.kubeConfigFile(), all, log);
      containers.add(container);
      operator = container;
    }
    Instant processStart = operator.handle().info().startInstant().orElse(Instant.now());
    say(
        "operator started (pid "
            + pid()
            + (image == null ? "" : ", container " + containers.get(containers.size() - 1).name())
            + ", log "
            + log
            + ")");
    OperatorLog operatorLog = new OperatorLog(log);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    Optional<OperatorLog.Line> first = Optional.empty();
    while (first.isEmpty() && System.nanoTime() < deadline && operator.isAlive()) {
      Thread.sleep(100);
      first = operatorLog.first("reconciling " + NS + "/");
    }
    if (first.isEmpty()
        && !operator.isAlive()
        && attempt < 3
        && Files.readString(log).contains("Unable to start the management interface")) {
      // The free port picked was taken before the operator bound it (an outgoing connection's
      // ephemeral port, with a thousand grants' connections about): another port.
      say("  management port " + managementPort + " was taken meanwhile; starting again");
      operator.close(); // nothing to stop; a container is removed
      logs.remove(log);
      return startOperator(logName, extra, attempt + 1);
    }
    require(first.isPresent(), "operator reconciles within 3 minutes (see " + log + ")");
    Optional<OperatorLog.Line> started = operatorLog.first("started in");
    Optional<OperatorLog.Line> processing = operatorLog.first("Started event processing");
    return new BenchResult.Startup(
        since(processStart, started),
        since(processStart, processing),
        since(processStart, first),
        started.map(l -> l.message().replaceAll(".*(started in [0-9.]+s).*", "$1")).orElse("?"));
  }

  private BenchResult.OneGrant oneGrant() throws Exception {
    say(
        "one grant at a time: "
            + settings.warmupRuns()
            + " warm-up runs, then "
            + settings.runs()
            + " runs, each deleted before the next");
    List<Long> warmups = new ArrayList<>();
    for (int i = 0; i < settings.warmupRuns(); i++) {
      String name = String.format("warm-%02d", i);
      create(name);
      require(watch.awaitReady(List.of(name), Duration.ofMinutes(3)), name + " Ready");
      warmups.add(watch.get(name).readyMillis());
      client.resources(CrossAccountAccess.class).inNamespace(NS).withName(name).delete();
      require(watch.awaitGone(name, Duration.ofMinutes(3)), name + " deleted");
    }
    if (!warmups.isEmpty()) {
      say("  warm-up runs (not counted): " + warmups + " ms");
    }
    List<Long> times = new ArrayList<>();
    List<Long> server = new ArrayList<>();
    List<Long> deletes = new ArrayList<>();
    List<Long> overshoots = new ArrayList<>();
    List<Long> owns = new ArrayList<>();
    Map<String, Long> calls = new TreeMap<>();
    long reconciles = 0;
    for (int i = 0; i < settings.runs(); i++) {
      String name = String.format("one-%02d", i);
      OperatorMetrics before = scrape();
      create(name);
      require(watch.awaitReady(List.of(name), Duration.ofMinutes(3)), name + " Ready");
      OperatorMetrics after = scrape();
      after.awsCallsSince(before).forEach((k, v) -> calls.merge(k, v, Long::sum));
      // The operator's reconcile metrics are per controller: only this grant is in flight.
      reconciles += after.reconcilesSince(before, l -> true);
      times.add(watch.get(name).readyMillis());
      server.add(watch.get(name).serverReadyMillis());
      long over = overshoot(name);
      if (over >= 0) {
        overshoots.add(over);
      }
      long own = overshoot(name, true);
      if (own >= 0) {
        owns.add(own);
      }
      long deleteStart = System.nanoTime();
      client.resources(CrossAccountAccess.class).inNamespace(NS).withName(name).delete();
      require(watch.awaitGone(name, Duration.ofMinutes(3)), name + " deleted");
      deletes.add((System.nanoTime() - deleteStart) / 1_000_000);
      say(
          String.format(
              "  %s Ready in %d ms, gone %d ms after delete", name, times.get(i), deletes.get(i)));
    }
    Map<String, Double> perGrant = perGrant(calls, settings.runs());
    overshootOne = Distribution.of(overshoots);
    overshootOwnOne = Distribution.of(owns);
    say("  overshoot after the last stack operation: " + overshootOne);
    say("  of it not at moto (the operator's own): " + overshootOwnOne);
    return new BenchResult.OneGrant(
        warmups,
        times,
        Distribution.of(times),
        Distribution.of(server),
        Distribution.of(deletes),
        perGrant,
        total(perGrant),
        reconciles / (double) settings.runs());
  }

  private BenchResult.ManyGrants manyGrants() throws Exception {
    int n = settings.grants();
    say(n + " grants at once");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(String.format("many-%04d", i));
    }
    Map<String, ProcessHandle> processes = components();
    awaitQuietMachine(processes);
    Map<String, Duration> cpuBefore = cpu(processes);
    MotoLog motoLog = MotoLog.find();
    long motoMark = motoLog.mark();
    long proxyBefore = proxyRequests();
    OperatorMetrics before = scrape();
    AtomicInteger peakExecuting = new AtomicInteger();
    AtomicInteger peakQueued = new AtomicInteger();
    AtomicBoolean sampling = new AtomicBoolean(true);
    long t0 = System.nanoTime();
    Instant phaseStart = Instant.now();
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                try {
                  Thread.sleep(5000);
                  OperatorMetrics m = scrape();
                  peakExecuting.accumulateAndGet(
                      (int) m.sum("operator_sdk_reconciliations_executions_crossaccountaccess"),
                      Math::max);
                  peakQueued.accumulateAndGet(
                      (int) m.sum("operator_sdk_reconciliations_queue_size_crossaccountaccess"),
                      Math::max);
                  say(
                      String.format(
                          "  %3d s: %d/%d Ready, %d reconciling, %d queued",
                          (System.nanoTime() - t0) / 1_000_000_000,
                          watch.readyCount(names),
                          n,
                          (int) m.sum("operator_sdk_reconciliations_executions_crossaccountaccess"),
                          (int)
                              m.sum("operator_sdk_reconciliations_queue_size_crossaccountaccess")));
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  say("  (metrics scrape failed: " + e.getMessage() + ")");
                }
              }
            },
            "bench-sampler");
    sampler.setDaemon(true);
    sampler.start();
    Map<String, Long> cfnBefore = proxy == null ? Map.of() : proxy.counts();
    Map<String, Duration> busyBefore = proxy == null ? Map.of() : proxy.busy();
    Thread perSecond =
        new Thread(
            () -> {
              Map<String, Long> last = proxy == null ? Map.of() : proxy.counts();
              while (sampling.get() && proxy != null) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
                Map<String, Long> now = proxy.counts();
                for (String action : CLOUDFORMATION) {
                  long delta = now.getOrDefault(action, 0L) - last.getOrDefault(action, 0L);
                  synchronized (peakPerSecond) {
                    peakPerSecond.merge(action, delta, Math::max);
                  }
                }
                last = now;
              }
            },
            "bench-per-second");
    perSecond.setDaemon(true);
    perSecond.start();
    if (settings.profile()) {
      say("  " + ProcessProbe.jcmd(pid(), "JFR.start name=bench settings=profile").strip());
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> creates = new ArrayList<>();
    for (String name : names) {
      creates.add(pool.submit(() -> create(name)));
    }
    for (Future<?> f : creates) {
      f.get();
    }
    long applyMs = (System.nanoTime() - t0) / 1_000_000;
    pool.shutdown();
    say("  applied " + n + " grants in " + applyMs + " ms");
    boolean all = watch.awaitReady(names, settings.timeout());
    sampling.set(false);
    sampler.interrupt();
    perSecond.interrupt();
    long phaseMs = (System.nanoTime() - t0) / 1_000_000;
    if (proxy != null) {
      Map<String, Long> cfnAfter = proxy.counts();
      for (String action : CLOUDFORMATION) {
        long delta = cfnAfter.getOrDefault(action, 0L) - cfnBefore.getOrDefault(action, 0L);
        if (delta > 0) {
          meanPerSecond.put(action, round1(delta / (phaseMs / 1000.0)));
        }
      }
      synchronized (peakPerSecond) {
        peakPerSecond.values().removeIf(v -> v == 0);
      }
    }
    if (!all) {
      say(
          "  TIMEOUT: only "
              + watch.readyCount(names)
              + "/"
              + n
              + " Ready after "
              + settings.timeout());
    }
    OperatorMetrics after = scrape();
    Map<String, Duration> cpuAfter = cpu(processes);
    if (settings.profile()) {
      Path jfr = settings.out().resolve("operator-many.jfr").toAbsolutePath();
      String written = operator.writablePath(jfr);
      say("  " + ProcessProbe.jcmd(pid(), "JFR.stop name=bench filename=" + written).strip());
      operator.collect(written, jfr);
    }
    List<Long> times = new ArrayList<>();
    List<Long> server = new ArrayList<>();
    long lastReady = 0;
    for (String name : names) {
      ReadyWatch.Grant g = watch.get(name);
      if (g.readyMillis() >= 0) {
        times.add(g.readyMillis());
        server.add(g.serverReadyMillis());
        lastReady = Math.max(lastReady, g.readyNanos - t0);
      }
    }
    long allReadyMs = all ? lastReady / 1_000_000 : settings.timeout().toMillis();
    List<Long> overshoots = new ArrayList<>();
    List<Long> owns = new ArrayList<>();
    for (String name : names) {
      long over = overshoot(name);
      if (over >= 0) {
        overshoots.add(over);
      }
      long own = overshoot(name, true);
      if (own >= 0) {
        owns.add(own);
      }
    }
    overshootMany = Distribution.of(overshoots);
    overshootOwnMany = Distribution.of(owns);
    say("  overshoot after the last stack operation: " + overshootMany);
    say("  of it not at moto (the operator's own): " + overshootOwnMany);
    List<Long> untilFirst = new ArrayList<>();
    List<Long> afterLast = new ArrayList<>();
    for (String name : names) {
      long[] parts = ownParts(name);
      if (parts != null) {
        untilFirst.add(parts[0]);
        afterLast.add(parts[1]);
      }
    }
    ownUntilFirstCall = Distribution.of(untilFirst);
    ownAfterLastAnswer = Distribution.of(afterLast);
    listStacksAtProxy = listStacksTimes(phaseStart, Instant.now());
    say(
        "    of it, end of the last stack operation -> the grant's next request: "
            + ownUntilFirstCall);
    say("    of it, moto's last answer to the grant -> Ready: " + ownAfterLastAnswer);
    say("  the watch's ListStacks, arrival at the proxy -> answer: " + listStacksAtProxy);
    say("  CloudFormation calls, peak per second: " + peakPerSecond + "; mean: " + meanPerSecond);
    Map<String, Long> calls = after.awsCallsSince(before);
    Map<String, Double> perGrant = perGrant(calls, n);
    Map<String, Double> cpuSeconds = cpuSeconds(cpuBefore, cpuAfter, allReadyMs);
    MotoLog.Errors motoErrors = motoLog.since(motoMark);
    long proxied = proxy == null ? -1 : proxyRequests() - proxyBefore;
    Map<String, Double> motoBusy = new java.util.LinkedHashMap<>();
    if (proxy != null) {
      proxy.busy().entrySet().stream()
          .map(
              e ->
                  Map.entry(
                      e.getKey(),
                      round1(
                          e.getValue()
                                  .minus(busyBefore.getOrDefault(e.getKey(), Duration.ZERO))
                                  .toMillis()
                              / 1000.0)))
          .filter(e -> e.getValue() > 0)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(e -> motoBusy.put(e.getKey(), e.getValue()));
      say("  moto busy, seconds by action: " + motoBusy);
    }
    say("  all Ready: " + all + " after " + allReadyMs + " ms; CPU seconds " + cpuSeconds);
    say("  moto: " + motoErrors);
    return new BenchResult.ManyGrants(
        n,
        times.size(),
        applyMs,
        allReadyMs,
        round1(times.size() / (allReadyMs / 60_000.0)),
        Distribution.of(times),
        Distribution.of(server),
        times,
        perGrant,
        total(perGrant),
        calls.entrySet().stream()
            .filter(e -> e.getKey().endsWith(":failure"))
            .mapToLong(Map.Entry::getValue)
            .sum(),
        after.reconcilesSince(before, l -> true) / (double) n,
        peakExecuting.get(),
        peakQueued.get(),
        cpuSeconds,
        motoErrors,
        proxied,
        motoBusy,
        before.bytes(),
        before.seriesCount(),
        after.bytes(),
        after.seriesCount());
  }

  private BenchResult.Floor floor(BenchResult.OneGrant one, BenchResult.ManyGrants many)
      throws Exception {
    say("floor: the same work as direct AWS SDK calls");
    try (DirectFloor floor = new DirectFloor(aws, client)) {
      CrossAccountAccess startup =
          client.resources(CrossAccountAccess.class).inNamespace(NS).withName("startup").get();
      StackRequest expected = floor.productionStack(startup);
      Map<String, String> deployed = floor.deployedParameters(expected.stackName());
      Map<String, String> wanted = new TreeMap<>(expected.parameters());
      boolean identical = wanted.equals(deployed);
      String check =
          identical
              ? "the floor's production-stack parameters equal those the operator deployed"
                  + " for the same resource ("
                  + wanted.size()
                  + " parameters)"
              : "parameters differ: floor " + wanted + " vs operator " + deployed;
      say("  " + check);

      // JIT and connection warm-up, not measured: as many runs as the operator had.
      for (int i = 0; i < Math.max(1, settings.warmupRuns()); i++) {
        floor.grant(floorGrant(String.format("warm-%02d", i)));
      }
      Map<String, Long> callsBefore = floor.calls();
      List<Long> oneTimes = new ArrayList<>();
      for (int i = 0; i < settings.runs(); i++) {
        oneTimes.add(floor.grant(floorGrant(String.format("one-%02d", i))));
      }
      Map<String, Double> perGrant =
          perGrant(OperatorMetrics.delta(callsBefore, floor.calls()), settings.runs());
      say("  one grant: " + oneTimes + " ms");

      int n = settings.floorGrants();
      int parallelism = settings.effectiveThreads();
      ExecutorService pool = Executors.newFixedThreadPool(parallelism);
      Map<String, Long> done = new ConcurrentHashMap<>();
      List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      MotoLog motoLog = MotoLog.find();
      long motoMark = motoLog.mark();
      Map<String, ProcessHandle> processes = components();
      awaitQuietMachine(processes);
      Map<String, Duration> cpuBefore = cpu(processes);
      long t0 = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = String.format("many-%04d", i);
        futures.add(
            pool.submit(
                () -> {
                  try {
                    floor.grant(floorGrant(name));
                    done.put(name, (System.nanoTime() - t0) / 1_000_000);
                  } catch (RuntimeException e) {
                    failures.add(name + ": " + e.getMessage());
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      long allDone = (System.nanoTime() - t0) / 1_000_000;
      pool.shutdown();
      MotoLog.Errors motoErrors = motoLog.since(motoMark);
      Map<String, Double> cpuSeconds = cpuSeconds(cpuBefore, cpu(processes), allDone);
      say("  floor CPU seconds " + cpuSeconds);
      say("  floor failures: " + failures.size() + " " + failures + "; moto: " + motoErrors);
      List<Long> manyTimes = new ArrayList<>(done.values());
      Distribution oneDist = Distribution.of(oneTimes);
      Distribution manyDist = Distribution.of(manyTimes);
      say("  " + n + " grants with " + parallelism + " threads: " + allDone + " ms");
      return new BenchResult.Floor(
          oneDist,
          n,
          parallelism,
          allDone,
          n == 0 ? 0 : round1(done.size() / (allDone / 60_000.0)),
          manyDist,
          manyTimes,
          failures.size(),
          failures.stream().limit(5).toList(),
          motoErrors,
          cpuSeconds,
          perGrant,
          total(perGrant),
          identical,
          check,
          ratio(one.timeToReady().p50Ms(), oneDist.p50Ms()),
          ratio(one.timeToReady().p95Ms(), oneDist.p95Ms()),
          ratio(many.allReadyMs(), allDone),
          ratio(many.timeToReady().p50Ms(), manyDist.p50Ms()));
    }
  }

  private BenchResult.Restart restart() throws Exception {
    int grants = settings.grants() + 1;
    OperatorLog log = new OperatorLog(logs.get(logs.size() - 1));
    Instant processStart = operator.handle().info().startInstant().orElse(Instant.now());
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    Map<String, Instant> firstSeen = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      firstSeen.clear();
      for (OperatorLog.Line line : log.lines()) {
        Matcher m = RECONCILING.matcher(line.message());
        if (m.find()) {
          firstSeen.putIfAbsent(m.group(1), line.time());
        }
      }
      if (firstSeen.size() >= grants) {
        break;
      }
      Thread.sleep(500);
    }
    require(firstSeen.size() >= grants, "every grant reconciled after the restart");
    Instant first = firstSeen.values().stream().min(Instant::compareTo).orElseThrow();
    Instant last = firstSeen.values().stream().max(Instant::compareTo).orElseThrow();
    Thread.sleep(3000); // let the last of the sweep finish its calls
    OperatorMetrics sweep = scrape();
    Map<String, Double> perGrant = perGrant(sweep.awsCalls(), grants);
    say(
        "  restart: first reconcile "
            + Duration.between(processStart, first).toMillis()
            + " ms, all "
            + grants
            + " reconciled "
            + Duration.between(processStart, last).toMillis()
            + " ms after process start; calls per grant "
            + perGrant);
    return new BenchResult.Restart(
        grants,
        Duration.between(processStart, first).toMillis(),
        Duration.between(processStart, last).toMillis(),
        perGrant,
        mutating(sweep.awsCalls()));
  }

  private BenchResult.SteadyState steadyState(BenchResult.OneGrant one) throws Exception {
    int grants = settings.grants() + 1;
    say("steady state: counting for " + settings.steadyWindow().toSeconds() + " s");
    OperatorMetrics a = scrape();
    Instant from = Instant.now();
    long updatesA = watch.updates();
    Thread.sleep(settings.steadyWindow().toMillis());
    OperatorMetrics b = scrape();
    Instant to = Instant.now();
    long statusWrites = watch.updates() - updatesA;
    long countedByJosdk = b.reconcilesSince(a, l -> true);
    Map<String, Long> calls = b.awsCallsSince(a);
    // Every reconcile logs one "reconciling" line (DEBUG), so the log counts them exactly.
    long reconciles =
        new OperatorLog(logs.get(logs.size() - 1))
            .lines().stream()
                .filter(l -> RECONCILING.matcher(l.message()).find())
                .filter(l -> !l.time().isBefore(from) && l.time().isBefore(to))
                .count();
    Map<String, Double> perReconcile = new TreeMap<>();
    calls.forEach(
        (k, v) -> perReconcile.put(label(k), round2(v / (double) Math.max(1, reconciles))));
    double resyncsPerHour =
        Duration.ofHours(1).toSeconds()
            / (double)
                io.xaccess.grant.Durations.parse(BenchSettings.DEFAULT_RESYNC_INTERVAL).toSeconds();
    Map<String, Double> resyncPerHour = new TreeMap<>();
    perReconcile.forEach((k, v) -> resyncPerHour.put(k, round2(v * resyncsPerHour)));
    // One proof of access an hour (verification.interval default 1h): the verifier's calls as
    // measured per grant in the one-grant phase, plus its two AssumeRole hops.
    Map<String, Double> verification = new TreeMap<>();
    one.callsPerGrant()
        .forEach(
            (k, v) -> {
              if (k.startsWith("S3:")) {
                verification.put(k, v);
              }
            });
    verification.put("Sts:AssumeRole", 2.0);
    double total =
        resyncPerHour.values().stream().mapToDouble(Double::doubleValue).sum()
            + verification.values().stream().mapToDouble(Double::doubleValue).sum();
    say(
        "  "
            + reconciles
            + " reconciles ("
            + countedByJosdk
            + " by the Operator SDK's execution counter), calls "
            + calls
            + ", status writes "
            + statusWrites);
    return new BenchResult.SteadyState(
        settings.steadyResync(),
        settings.steadyWindow().toSeconds(),
        grants,
        reconciles,
        calls,
        perReconcile,
        resyncPerHour,
        verification,
        round2(total),
        mutating(calls),
        statusWrites);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private void create(String name) {
    watch.created(name);
    client.resource(BenchGrants.grant(NS, name)).create();
  }

  private static CrossAccountAccess floorGrant(String name) {
    CrossAccountAccess grant = BenchGrants.grant("floor", name);
    grant.getMetadata().setUid(UUID.randomUUID().toString());
    return grant;
  }

  /** Requests the proxy in front of moto forwarded so far (SDK retries included). */
  private long proxyRequests() {
    return proxy == null ? -1 : proxy.counts().values().stream().mapToLong(Long::longValue).sum();
  }

  private OperatorMetrics scrape() {
    return OperatorMetrics.scrape(managementPort);
  }

  /** How the container(s) ran and ended; null when the operator ran as a JVM process. */
  private BenchResult.Container container() {
    if (image == null) {
      return null;
    }
    List<BenchResult.ContainerRun> runs =
        containers.stream()
            .map(ContainerOperator::run)
            .filter(java.util.Objects::nonNull)
            .map(
                r ->
                    new BenchResult.ContainerRun(
                        r.name(), r.oomKilled(), r.exitCode(), r.peakMb(), r.error()))
            .toList();
    return new BenchResult.Container(
        image.name(),
        image.id(),
        image.engine(),
        String.join(" ", ContainerOperator.runOptions()),
        String.join(" ", image.entrypoint()),
        ContainerOperator.MEMORY_LIMIT_MB,
        runs,
        runs.stream().anyMatch(BenchResult.ContainerRun::oomKilled),
        runs.stream().mapToLong(BenchResult.ContainerRun::peakMb).max().orElse(-1));
  }

  private long pid() {
    return operator.handle().pid();
  }

  /**
   * Every thread of moto at nice {@code value} (the threads it starts later inherit it from its
   * acceptor): the emulator then gets the CPU first when the cluster, the operator and the bench
   * want it too, as AWS, on machines of its own, would not be slowed by them. Applies to the floor
   * and the operator alike.
   */
  private static String renice(String value) {
    Optional<ProcessHandle> moto = ProcessProbe.moto();
    if (moto.isEmpty()) {
      return "as started (BENCH_MOTO_NICE=" + value + " not applied: moto's process not found)";
    }
    List<String> command = new ArrayList<>(List.of("renice", "-n", value, "-p"));
    try (var tasks = Files.list(Path.of("/proc", "" + moto.get().pid(), "task"))) {
      tasks.forEach(t -> command.add(t.getFileName().toString()));
      Process renice = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(renice.getInputStream().readAllBytes()).strip();
      if (renice.waitFor() != 0) {
        return "as started (BENCH_MOTO_NICE=" + value + " not applied: " + out + ")";
      }
      return "nice " + value + " (BENCH_MOTO_NICE), every other process at 0";
    } catch (IOException e) {
      return "as started (BENCH_MOTO_NICE=" + value + " not applied: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "as started (interrupted)";
    }
  }

  private Map<String, ProcessHandle> components() {
    Map<String, ProcessHandle> processes = new LinkedHashMap<>();
    processes.put("operator", operator.handle());
    ProcessProbe.moto().ifPresent(p -> processes.put("moto", p));
    ProcessProbe.descendant("kube-apiserver").ifPresent(p -> processes.put("kube-apiserver", p));
    ProcessProbe.descendant("/etcd").ifPresent(p -> processes.put("etcd", p));
    processes.put("bench (this JVM)", ProcessHandle.current());
    return processes;
  }

  private static Map<String, Duration> cpu(Map<String, ProcessHandle> processes) {
    Map<String, Duration> cpu = new LinkedHashMap<>();
    processes.forEach((k, p) -> cpu.put(k, ProcessProbe.cpu(p)));
    cpu.put(MACHINE, ProcessProbe.machineBusy());
    return cpu;
  }

  /**
   * Waits (up to the quiet-wait setting) until processes outside the bench use less than 10% of the
   * machine for two 5 s samples in a row: on a shared machine another build can double the N-grant
   * figures. The report still shows what other work ran during each phase.
   */
  private void awaitQuietMachine(Map<String, ProcessHandle> processes) throws InterruptedException {
    long deadline = System.nanoTime() + settings.quietWait().toNanos();
    int quiet = 0;
    boolean said = false;
    while (quiet < 2 && System.nanoTime() < deadline) {
      Map<String, Duration> a = cpu(processes);
      Thread.sleep(5000);
      double other =
          cpuSeconds(a, cpu(processes), 5000).get("other processes on the machine")
              / (5.0 * Runtime.getRuntime().availableProcessors());
      quiet = other < 0.10 ? quiet + 1 : 0;
      if (quiet == 0 && !said) {
        say(
            String.format(
                "  other work is using %.0f%% of the machine; waiting up to %s for it to stop",
                other * 100, settings.quietWait()));
        said = true;
      }
    }
  }

  /** CPU seconds per process between two readings, plus what the rest of the machine used. */
  private static Map<String, Double> cpuSeconds(
      Map<String, Duration> before, Map<String, Duration> after, long wallMs) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    double ours = 0;
    for (Map.Entry<String, Duration> e : after.entrySet()) {
      if (!e.getKey().equals(MACHINE)) {
        double s =
            e.getValue().minus(before.getOrDefault(e.getKey(), Duration.ZERO)).toMillis() / 1000.0;
        seconds.put(e.getKey(), round1(s));
        ours += s;
      }
    }
    double machine = after.get(MACHINE).minus(before.get(MACHINE)).toMillis() / 1000.0;
    seconds.put("other processes on the machine", round1(Math.max(0, machine - ours)));
    seconds.put("wall clock", round1(wallMs / 1000.0));
    return seconds;
  }

  private static Map<String, Double> perGrant(Map<String, Long> calls, int grants) {
    Map<String, Double> perGrant = new TreeMap<>();
    calls.forEach((k, v) -> perGrant.merge(label(k), v / (double) grants, Double::sum));
    perGrant.replaceAll((k, v) -> round2(v));
    return perGrant;
  }

  /** {@code Service:Operation:outcome} → {@code Service:Operation}, failures marked. */
  private static String label(String key) {
    return key.endsWith(":failure")
        ? key.substring(0, key.lastIndexOf(':')) + " (failed)"
        : key.substring(0, key.lastIndexOf(':'));
  }

  static boolean isMutating(String key) {
    String operation = key.split(":")[1];
    return MUTATING_PREFIXES.stream().anyMatch(operation::startsWith);
  }

  private static long mutating(Map<String, Long> calls) {
    return calls.entrySet().stream()
        .filter(e -> isMutating(e.getKey()))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  private static double total(Map<String, Double> perGrant) {
    return round2(perGrant.values().stream().mapToDouble(Double::doubleValue).sum());
  }

  private static long since(Instant start, Optional<OperatorLog.Line> line) {
    return line.map(l -> Duration.between(start, l.time()).toMillis()).orElse(-1L);
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0 : round1(a / (double) b);
  }

  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("bench stopped: expected " + what);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private BenchResult.Settings settingsRecord() {
    return new BenchResult.Settings(
        settings.grants(),
        settings.runs(),
        settings.warmupRuns(),
        motoPriority,
        settings.pollInterval(),
        settings.effectiveThreads(),
        settings.reconcileThreads().isBlank(),
        BenchSettings.DEFAULT_RESYNC_INTERVAL,
        settings.steadyResync(),
        settings.steadyWindow().toSeconds(),
        image == null
            ? "-Xmx256m -XX:TieredStopAtLevel=1 (OperatorProcess, C1 only as the image)"
            : "no -Xmx: the image's "
                + String.join(
                    " ",
                    image.entrypoint().stream()
                        .filter(a -> a.startsWith("-X") && !a.startsWith("-XX:+Exit"))
                        .toList())
                + " of the "
                + ContainerOperator.MEMORY_LIMIT_MB
                + " MiB limit",
        settings.motoThreads(),
        settings.operatorEnv(),
        "examples/basic.yaml shape: new KMS bucket, any development principal, verification on;"
            + " unique bucket and role name per grant",
        Machine.versions(logs.get(0)));
  }

  private void write(BenchResult result) throws IOException {
    Path out = settings.out();
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(out.resolve("report.json").toFile(), result);
    TimeToReadyChart.write(
        out.resolve(BenchReport.CHART),
        result.manyGrants().timesMs(),
        result.floor().timesMs(),
        "Time to Ready, "
            + result.manyGrants().n()
            + " grants applied at once (poll "
            + result.settings().pollInterval()
            + ", "
            + result.settings().reconcileThreads()
            + " reconcile threads)");
    Files.writeString(out.resolve("report.md"), BenchReport.markdown(result));
    say("report: " + out.resolve("report.md") + ", report.json, " + BenchReport.CHART);
  }

  static void say(String message) {
    System.out.println("==> " + message);
  }

  /** Collects the machine description. */
  static final class Machine {
    static final String LOAD_AT_START = loadAverage();

    private Machine() {}

    static BenchResult.Machine describe() {
      return new BenchResult.Machine(
          field(Path.of("/proc/cpuinfo"), "model name", ":"),
          Runtime.getRuntime().availableProcessors(),
          kb(field(Path.of("/proc/meminfo"), "MemTotal", ":")) / 1024,
          field(Path.of("/etc/os-release"), "PRETTY_NAME", "=").replace("\"", ""),
          System.getProperty("os.name") + " " + System.getProperty("os.version"),
          System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
          LOAD_AT_START);
    }

    static String loadAverage() {
      try {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
      } catch (IOException | RuntimeException e) {
        return "?";
      }
    }

    static String versions(Path operatorLog) {
      OperatorLog log = new OperatorLog(operatorLog);
      String sdk =
          log.lines().stream()
              .filter(l -> l.message().startsWith("Operator SDK "))
              .findFirst()
              .map(l -> l.message().replaceAll("^(Operator SDK [0-9.]+).*", "$1"))
              .orElse("");
      String extension =
          log.first("Quarkus Java Operator SDK extension")
              .map(
                  l ->
                      l.message()
                          .replaceAll(".*(Quarkus Java Operator SDK extension [0-9.]+).*", "$1"))
              .orElse("");
      String quarkus =
          log.first("powered by Quarkus")
              .map(l -> l.message().replaceAll(".*powered by (Quarkus [0-9.]+).*", "$1"))
              .orElse("");
      String kube = LocalKubeApiServer.kubectlBinary().getParent().getFileName().toString();
      return String.join(
          ", ",
          quarkus,
          extension,
          "Java " + sdk,
          "kube-apiserver " + kube.replace("-linux-amd64", ""),
          motoVersion());
    }

    private static String motoVersion() {
      try {
        return Files.readAllLines(Path.of("tools", "python-requirements.txt")).stream()
            .filter(l -> l.startsWith("moto"))
            .findFirst()
            .orElse("moto");
      } catch (IOException e) {
        return "moto";
      }
    }

    private static String field(Path file, String key, String separator) {
      try {
        return Files.readAllLines(file).stream()
            .filter(l -> l.startsWith(key))
            .map(l -> l.substring(l.indexOf(separator) + 1).strip())
            .findFirst()
            .orElse("?");
      } catch (IOException e) {
        return "?";
      }
    }

    private static long kb(String value) {
      try {
        return Long.parseLong(value.split("\\s+")[0]);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }
}
