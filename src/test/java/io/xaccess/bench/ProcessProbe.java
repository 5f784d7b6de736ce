package io.xaccess.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the OS and the JVM say about a process: resident memory and threads from {@code
 * /proc/<pid>/status}, CPU time, and the heap after a full GC from {@code jcmd}.
 */
public final class ProcessProbe {

  private static final Pattern HEAP =
      Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K", Pattern.CASE_INSENSITIVE);
  private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used (\\d+)K");
  private static final Pattern HEAP_NAME = Pattern.compile("^\\s*(\\S[\\w-]*(?: \\S+)?) heap");

  /** Memory of a JVM at one moment. */
  public record Memory(
      String label,
      long rssMb,
      long peakRssMb,
      long heapUsedAfterGcMb,
      long heapCommittedMb,
      long metaspaceUsedMb,
      int threads,
      String collector) {}

  private ProcessProbe() {}

  /** A {@code /proc/<pid>/status} field in kB (VmRSS, VmHWM) or a count (Threads); -1 if absent. */
  public static long status(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", "" + pid, "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process is gone or not Linux
    }
    return -1;
  }

  /** CPU time used so far (user + system), zero when unknown. */
  public static Duration cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /**
   * CPU time the whole machine spent busy so far (all processes, {@code /proc/stat}: everything but
   * idle and iowait), to tell the bench's own load from other work on a shared machine.
   */
  public static Duration machineBusy() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long ticks = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        if (i != 4 && i != 5) { // idle, iowait
          ticks += Long.parseLong(f[i]);
        }
      }
      return Duration.ofMillis(ticks * 10); // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return Duration.ZERO;
    }
  }

  /** Runs a full GC in the JVM, then reads its heap, RSS and threads. */
  public static Memory jvmMemory(String label, long pid) {
    jcmd(pid, "GC.run");
    String heap = jcmd(pid, "GC.heap_info");
    long used = -1;
    long committed = -1;
    Matcher m = HEAP.matcher(heap);
    if (m.find()) {
      committed = Long.parseLong(m.group(1)) / 1024;
      used = Long.parseLong(m.group(2)) / 1024;
    }
    Matcher meta = METASPACE.matcher(heap);
    long metaspace = meta.find() ? Long.parseLong(meta.group(1)) / 1024 : -1;
    String collector =
        heap.lines()
            .map(l -> HEAP_NAME.matcher(l))
            .filter(Matcher::find)
            .map(x -> x.group(1))
            .findFirst()
            .orElse("?");
    return new Memory(
        label,
        status(pid, "VmRSS") / 1024,
        status(pid, "VmHWM") / 1024,
        used,
        committed,
        metaspace,
        (int) status(pid, "Threads"),
        collector);
  }

  /** The first child process of this JVM whose command line contains {@code needle}. */
  public static Optional<ProcessHandle> descendant(String needle) {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().commandLine().orElse("").contains(needle))
        .findFirst();
  }

  static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> cmd = new ArrayList<>();
    cmd.add(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd");
    cmd.add("" + pid);
    cmd.add(command);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
