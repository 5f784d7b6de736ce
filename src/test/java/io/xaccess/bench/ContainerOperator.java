package io.xaccess.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator as its container image ({@code make image}: target/xaccess-image.tar) under a real
 * Docker engine, run with what the Helm chart gives its Deployment: the memory and CPU limits of
 * helm/xaccess/values.yaml ({@code resources.limits}: 512Mi, 1 CPU; no swap, as on a kubelet), its
 * securityContext (read-only root file system, user 65532, no capabilities, no privilege
 * escalation) and a writable /tmp like its emptyDir (sizeLimit 64Mi). No JVM option is added: the
 * image's own entrypoint flags ({@code -XX:MaxRAMPercentage=40 -XX:+UseSerialGC}) size the heap
 * from the limit, and that is what is measured. The host network makes the API server's and moto's
 * 127.0.0.1 addresses reachable and the management port the bench picks a port of this machine.
 *
 * <p>What the bench reads works as for a JVM process: the log ({@code docker logs -f} into the log
 * file), the JVM's pid on this machine ({@code docker inspect .State.Pid}: /proc, CPU time, and
 * {@code jcmd}, which attaches through {@code /proc/<pid>/root/tmp}), plus the container's memory
 * cgroup (usage and peak, what the limit and the OOM killer go by). {@link #close()} is {@code
 * docker stop} (SIGTERM, SIGKILL after the chart's 30 s grace), then records whether the kernel
 * OOM-killed it ({@code .State.OOMKilled}) before removing it.
 */
final class ContainerOperator implements BenchOperator {

  /** helm/xaccess/values.yaml resources.limits.memory (512Mi). */
  static final long MEMORY_LIMIT_MB = 512;

  /** helm/xaccess/values.yaml resources.limits.cpu. */
  static final String CPU_LIMIT = "1";

  /** helm/xaccess/values.yaml podSecurityContext runAsUser / runAsGroup. */
  static final String USER = "65532:65532";

  /** The chart's terminationGracePeriodSeconds. */
  static final Duration STOP_GRACE = Duration.ofSeconds(30);

  /** Every container the bench starts carries it, so that a later run removes leftovers. */
  static final String LABEL = "io.xaccess.bench=operator";

  static final String KUBECONFIG = "/etc/xaccess/kubeconfig";
  static final Path START_ENGINE = Path.of("tools", "docker", "start-engine.sh");

  private static final Pattern FILE_REFERENCE =
      Pattern.compile(
          "^(\\s*)(certificate-authority|client-certificate|client-key):\\s*['\"]?([^'\"]+?)['\"]?\\s*$");

  /** The image loaded into the engine, and the engine. */
  record Image(String name, String id, List<String> entrypoint, String engine) {}

  /** One container's end: whether the kernel OOM-killed it, and its memory cgroup's peak. */
  record Run(String name, boolean oomKilled, int exitCode, long peakMb, String error) {}

  private final String name;
  private final long pid;
  private final Optional<ProcessHandle> handle;
  private final Process follower;
  private final Path kubeconfigDir;
  private final Optional<Cgroup> cgroup;
  private long peakMb = -1;
  private Run run;

  private ContainerOperator(
      String name, long pid, Process follower, Path kubeconfigDir, Optional<Cgroup> cgroup) {
    this.name = name;
    this.pid = pid;
    this.handle = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
    this.follower = follower;
    this.kubeconfigDir = kubeconfigDir;
    this.cgroup = cgroup;
  }

  /**
   * The {@code docker run} options that stand for the chart: its limits (swap included in the
   * memory limit, i.e. none, as a kubelet runs pods) and securityContext.
   */
  static List<String> runOptions() {
    return List.of(
        "--memory",
        MEMORY_LIMIT_MB + "m",
        "--memory-swap",
        MEMORY_LIMIT_MB + "m",
        "--cpus",
        CPU_LIMIT,
        "--read-only",
        "--tmpfs",
        "/tmp:rw,exec,nosuid,nodev,size=64m",
        "--user",
        USER,
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--network",
        "host");
  }

  /**
   * Starts the engine if needed (tools/docker/start-engine.sh), loads the image tarball into it and
   * removes containers a killed earlier run left behind.
   */
  static Image prepare(Path tar) {
    if (!Files.isRegularFile(tar)) {
      throw new IllegalStateException(
          tar + " is missing: build it with 'make image' (make bench BENCH_CONTAINER=docker does)");
    }
    exec(List.of("bash", START_ENGINE.toString()), Map.of(), Duration.ofMinutes(10), true);
    String loaded = docker("load", "-i", tar.toString());
    Matcher m = Pattern.compile("Loaded image: (\\S+)").matcher(loaded);
    if (!m.find()) {
      throw new IllegalStateException("docker load named no image: " + loaded);
    }
    String image = m.group(1);
    String id = docker("image", "inspect", "-f", "{{.Id}}", image).strip();
    List<String> entrypoint =
        List.of(
            docker("image", "inspect", "-f", "{{range .Config.Entrypoint}}{{.}} {{end}}", image)
                .strip()
                .split(" "));
    String engine =
        "Docker "
            + docker(
                    "info",
                    "-f",
                    "{{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}")
                .strip();
    String leftovers = docker("ps", "-aq", "--filter", "label=" + LABEL).strip();
    if (!leftovers.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("rm", "-f"));
      rm.addAll(List.of(leftovers.split("\\s+")));
      docker(rm.toArray(String[]::new));
    }
    return new Image(image, id, entrypoint, engine);
  }

  /**
   * Runs the image as container {@code name} against {@code kubeconfig} (the API server's, its
   * certificate files inlined: they are root's and outside the container) with {@code env}, its
   * output going to {@code log}.
   */
  static ContainerOperator start(
      Image image, String name, Path kubeconfig, Map<String, String> env, Path log) {
    try {
      Path dir = Files.createTempDirectory("xaccess-bench-kubeconfig");
      Path file = dir.resolve("kubeconfig");
      Files.writeString(file, inlineFiles(Files.readString(kubeconfig)));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
      String[] uidGid = USER.split(":");
      Files.setAttribute(file, "unix:uid", Integer.parseInt(uidGid[0]));
      Files.setAttribute(file, "unix:gid", Integer.parseInt(uidGid[1]));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

      List<String> command =
          new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--label", LABEL));
      command.addAll(runOptions());
      command.addAll(List.of("-v", file + ":" + KUBECONFIG + ":ro"));
      Map<String, String> values = new java.util.LinkedHashMap<>(env);
      values.put("KUBECONFIG", KUBECONFIG);
      // The bench reads the log's local times in its own zone; the image has no zone set (UTC).
      values.putIfAbsent("TZ", ZoneId.systemDefault().getId());
      // -e NAME takes the value from docker's own environment: nothing lands on a command line.
      values.keySet().forEach(k -> command.addAll(List.of("-e", k)));
      command.add(image.name());
      exec(command, values, Duration.ofMinutes(2), false);

      Process follower =
          new ProcessBuilder("docker", "logs", "-f", name)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      long pid = Long.parseLong(docker("inspect", "-f", "{{.State.Pid}}", name).strip());
      Optional<Cgroup> cgroup = pid > 0 ? Cgroup.of(pid) : Optional.empty();
      ContainerOperator operator = new ContainerOperator(name, pid, follower, dir, cgroup);
      long limit = cgroup.map(Cgroup::limitMb).orElse(-1L);
      if (pid > 0 && limit != MEMORY_LIMIT_MB) {
        operator.close();
        throw new IllegalStateException(
            "container "
                + name
                + "'s memory cgroup "
                + cgroup.map(Cgroup::dir).map(Path::toString).orElse("(not found)")
                + " has limit "
                + limit
                + " MB, not the "
                + MEMORY_LIMIT_MB
                + " MB asked for: the engine does not enforce --memory");
      }
      return operator;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A kubeconfig's {@code certificate-authority}, {@code client-certificate} and {@code client-key}
   * file references as their {@code -data} (base64) equivalents.
   */
  static String inlineFiles(String kubeconfig) throws IOException {
    StringBuilder out = new StringBuilder();
    for (String line : kubeconfig.split("\n", -1)) {
      Matcher m = FILE_REFERENCE.matcher(line);
      if (m.matches()) {
        byte[] content = Files.readAllBytes(Path.of(m.group(3)));
        line = m.group(1) + m.group(2) + "-data: " + Base64.getEncoder().encodeToString(content);
      }
      out.append(line).append('\n');
    }
    out.setLength(out.length() - 1);
    return out.toString();
  }

  String name() {
    return name;
  }

  @Override
  public ProcessHandle handle() {
    return handle.orElseThrow(
        () -> new IllegalStateException("container " + name + " had exited when it was started"));
  }

  @Override
  public boolean isAlive() {
    return handle.map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public synchronized ProcessProbe.Memory memory(String label) {
    ProcessProbe.Memory jvm = ProcessProbe.jvmMemory(label, pid);
    long usage = cgroup.map(Cgroup::usageMb).orElse(-1L);
    return jvm.inContainer(usage, peak());
  }

  /** The memory cgroup's peak so far (kept: the cgroup goes with the container). */
  private synchronized long peak() {
    peakMb = Math.max(peakMb, cgroup.map(Cgroup::peakMb).orElse(-1L));
    return peakMb;
  }

  @Override
  public String writablePath(Path target) {
    return "/tmp/" + target.getFileName();
  }

  @Override
  public void collect(String written, Path target) throws IOException {
    Files.copy(
        Path.of("/proc", "" + pid, "root").resolve(written.substring(1)),
        target,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** How it ended; null until {@link #close()}. */
  synchronized Run run() {
    return run;
  }

  @Override
  public synchronized void close() {
    if (run != null) {
      return;
    }
    if (isAlive()) {
      peak();
    }
    try {
      docker("stop", "-t", "" + STOP_GRACE.toSeconds(), name);
      if (!follower.waitFor(10, TimeUnit.SECONDS)) {
        follower.destroy();
      }
      String[] state =
          docker("inspect", "-f", "{{.State.OOMKilled}}|{{.State.ExitCode}}|{{.State.Error}}", name)
              .strip()
              .split("\\|", -1);
      run =
          new Run(
              name,
              Boolean.parseBoolean(state[0]),
              Integer.parseInt(state[1]),
              peakMb,
              state.length > 2 ? state[2] : "");
      docker("rm", name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run = new Run(name, false, -1, peakMb, "interrupted while stopping");
    } catch (RuntimeException e) {
      run = new Run(name, false, -1, peakMb, e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(kubeconfigDir.resolve("kubeconfig"));
        Files.deleteIfExists(kubeconfigDir);
      } catch (IOException e) {
        // a temporary directory
      }
    }
    Benchmark.say(
        "container "
            + name
            + " stopped: exit code "
            + run.exitCode()
            + ", OOM-killed "
            + run.oomKilled()
            + ", memory peak "
            + run.peakMb()
            + " MB of "
            + MEMORY_LIMIT_MB
            + " MB");
  }

  /**
   * A container's memory cgroup: v1 ({@code memory.usage_in_bytes}) or v2 ({@code memory.current}).
   */
  record Cgroup(Path dir, boolean v2) {

    static Optional<Cgroup> of(long pid) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", "" + pid, "cgroup"))) {
          String[] f = line.split(":", 3);
          if (f.length == 3 && List.of(f[1].split(",")).contains("memory")) {
            Path dir = Path.of("/sys/fs/cgroup/memory" + f[2]);
            if (Files.isRegularFile(dir.resolve("memory.usage_in_bytes"))) {
              return Optional.of(new Cgroup(dir, false));
            }
          }
        }
        for (String line : Files.readAllLines(Path.of("/proc", "" + pid, "cgroup"))) {
          if (line.startsWith("0::")) {
            Path dir = Path.of("/sys/fs/cgroup" + line.substring(3));
            if (Files.isRegularFile(dir.resolve("memory.current"))) {
              return Optional.of(new Cgroup(dir, true));
            }
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
      return Optional.empty();
    }

    long usageMb() {
      return mb(v2 ? "memory.current" : "memory.usage_in_bytes");
    }

    /** Since the cgroup was made; v2 kernels before 5.19 have no memory.peak (-1). */
    long peakMb() {
      return mb(v2 ? "memory.peak" : "memory.max_usage_in_bytes");
    }

    long limitMb() {
      return mb(v2 ? "memory.max" : "memory.limit_in_bytes");
    }

    private long mb(String file) {
      try {
        String value = Files.readString(dir.resolve(file), StandardCharsets.UTF_8).strip();
        return value.equals("max") ? Long.MAX_VALUE : Long.parseLong(value) / (1024 * 1024);
      } catch (IOException | NumberFormatException e) {
        return -1;
      }
    }
  }

  static String docker(String... args) {
    List<String> command = new ArrayList<>();
    command.add("docker");
    command.addAll(List.of(args));
    return exec(command, Map.of(), Duration.ofMinutes(2), false);
  }

  /** Runs {@code command} to its end; its output, or an exception saying what it said. */
  private static String exec(
      List<String> command, Map<String, String> env, Duration timeout, boolean showOutput) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      if (showOutput) {
        builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
      }
      Process p = builder.start();
      p.getOutputStream().close();
      String out =
          showOutput ? "" : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " took over " + timeout);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command.subList(0, Math.min(3, command.size())))
                + " failed (exit "
                + p.exitValue()
                + "): "
                + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }
}
