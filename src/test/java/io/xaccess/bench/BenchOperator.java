package io.xaccess.bench;

import io.xaccess.testing.OperatorProcess;
import java.nio.file.Path;

/**
 * The operator the bench measures: the packaged jar as a JVM process of its own ({@link
 * OperatorProcess}, the default), or the container image under a Docker engine with the Helm
 * chart's limits ({@link ContainerOperator}, {@code BENCH_CONTAINER=docker}). Either way the bench
 * reads the same things: the log file, the JVM's pid on this machine (start time, CPU, {@code
 * /proc/<pid>/status}, {@code jcmd}) and the management port.
 */
interface BenchOperator extends AutoCloseable {

  /** The operator's JVM as this machine sees it: pid, start time and CPU time. */
  ProcessHandle handle();

  boolean isAlive();

  /** Heap after a full GC, RSS and threads now (and the container's memory cgroup, if any). */
  ProcessProbe.Memory memory(String label);

  /**
   * The path under which the operator's JVM can write a file (a JFR recording) that is to end up at
   * {@code target}; {@link #collect} then brings it there.
   */
  String writablePath(Path target);

  /** Brings a file written at {@link #writablePath} to {@code target}. */
  void collect(String written, Path target) throws java.io.IOException;

  /** Stops the operator: SIGTERM, then SIGKILL after a grace period. Idempotent. */
  @Override
  void close();

  static BenchOperator of(OperatorProcess process) {
    return new Jvm(process);
  }

  /** The packaged jar as a child JVM of the bench. */
  record Jvm(OperatorProcess process) implements BenchOperator {

    @Override
    public ProcessHandle handle() {
      return process.handle();
    }

    @Override
    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public ProcessProbe.Memory memory(String label) {
      return ProcessProbe.jvmMemory(label, process.handle().pid());
    }

    @Override
    public String writablePath(Path target) {
      return target.toAbsolutePath().toString();
    }

    @Override
    public void collect(String written, Path target) {
      // written there already
    }

    @Override
    public void close() {
      process.close();
    }
  }
}
