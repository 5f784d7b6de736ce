package io.xaccess.bench;

import io.xaccess.testing.MotoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the OS and the JVM say about a process: resident memory and threads from {@code
 * /proc/<pid>/status}, CPU time, and the heap after a full GC from {@code jcmd}.
 */
public final class ProcessProbe {

  /**
   * A heap or one of its generations in {@code GC.heap_info}: G1 prints one line ({@code
   * garbage-first heap total ..K, used ..K}), the generational collectors one per generation
   * (Serial: {@code def new generation} and {@code tenured generation}; Parallel: {@code
   * PSYoungGen} and {@code ParOldGen}), which add up to the heap.
   */
  private static final Pattern HEAP = Pattern.compile("\\stotal (\\d+)K, used (\\d+)K");

  private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used (\\d+)K");

  /**
   * Memory of a JVM at one moment. {@code containerMb} and {@code containerPeakMb} are its
   * container's memory cgroup (usage and its peak so far, page cache and tmpfs included: what the
   * limit and the OOM killer go by); -1 when the JVM runs as a plain process.
   */
  public record Memory(
      String label,
      long rssMb,
      long peakRssMb,
      long heapUsedAfterGcMb,
      long heapCommittedMb,
      long metaspaceUsedMb,
      int threads,
      String collector,
      long containerMb,
      long containerPeakMb) {

    Memory inContainer(long usageMb, long peakMb) {
      return new Memory(
          label,
          rssMb,
          peakRssMb,
          heapUsedAfterGcMb,
          heapCommittedMb,
          metaspaceUsedMb,
          threads,
          collector,
          usageMb,
          peakMb);
    }
  }

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
    Heap heap = Heap.parse(jcmd(pid, "GC.heap_info"));
    return new Memory(
        label,
        status(pid, "VmRSS") / 1024,
        status(pid, "VmHWM") / 1024,
        heap.usedMb(),
        heap.committedMb(),
        heap.metaspaceUsedMb(),
        (int) status(pid, "Threads"),
        heap.collector(),
        -1,
        -1);
  }

  /** What {@code jcmd <pid> GC.heap_info} says, in MB (-1: not in the answer). */
  record Heap(long usedMb, long committedMb, long metaspaceUsedMb, String collector) {

    static Heap parse(String heapInfo) {
      long usedKb = 0;
      long committedKb = 0;
      boolean found = false;
      Matcher m = HEAP.matcher(heapInfo);
      while (m.find()) {
        committedKb += Long.parseLong(m.group(1));
        usedKb += Long.parseLong(m.group(2));
        found = true;
      }
      Matcher meta = METASPACE.matcher(heapInfo);
      return new Heap(
          found ? usedKb / 1024 : -1,
          found ? committedKb / 1024 : -1,
          meta.find() ? Long.parseLong(meta.group(1)) / 1024 : -1,
          ProcessProbe.collector(heapInfo));
    }
  }

  /**
   * The collector a {@code GC.heap_info} answer shows: the JVM picks Serial for itself when it sees
   * a single CPU or less than 1792 MB (a container with the chart's 1-CPU limit), else G1.
   */
  static String collector(String heapInfo) {
    if (heapInfo.contains("garbage-first heap")) {
      return "G1";
    }
    if (heapInfo.contains("def new generation")) {
      return "Serial";
    }
    if (heapInfo.contains("PSYoungGen")) {
      return "Parallel";
    }
    if (heapInfo.contains("Shenandoah")) {
      return "Shenandoah";
    }
    if (heapInfo.contains("ZHeap")) {
      return "Z";
    }
    return "?";
  }

  /** The first child process of this JVM whose command line contains {@code needle}. */
  public static Optional<ProcessHandle> descendant(String needle) {
    return descendant(commandLine -> commandLine.contains(needle));
  }

  /** The first child process of this JVM whose command line passes {@code test}. */
  public static Optional<ProcessHandle> descendant(Predicate<String> test) {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> test.test(p.info().commandLine().orElse("")))
        .findFirst();
  }

  /** The moto server this JVM started ({@link MotoServer}: the launcher or moto_server). */
  public static Optional<ProcessHandle> moto() {
    return descendant(MotoServer::isMotoCommandLine);
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
