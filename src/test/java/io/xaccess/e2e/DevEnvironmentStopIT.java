package io.xaccess.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaccess.testing.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code make dev} stops everything it started when {@code make} alone gets SIGTERM (what {@code
 * kill}, a process manager or a CI timeout sends; GNU make passes it on to the recipe it runs),
 * whatever state its children are in: the operator SIGKILLed beforehand, the operator hung
 * (SIGSTOP: only SIGKILL ends it). (A healthy stop is the easy case; the normal shutdown's clean
 * log is LeaderElectionIT's.) It runs the real {@code make dev} from the repository root, with
 * {@code DEV_BUILD=false} so that it uses the jar and classes this build has already made (40 to 60
 * s a run).
 */
class DevEnvironmentStopIT {

  /** The line DevEnvironment prints once the example grant is Ready. */
  private static final String READY = "==> Ready.";

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /** How long after make's exit a process it started may take to be seen gone. */
  private static final Duration AFTER_MAKE = Duration.ofSeconds(2);

  /** What make dev must have started, by a part of each command line. */
  private static final Map<String, Predicate<String>> EXPECTED =
      Map.of(
          "maven", contains("org.codehaus.plexus.classworlds.launcher.Launcher"),
          "operator", contains("quarkus-run.jar"),
          "etcd", contains("/etcd "),
          "kube-apiserver", contains("/kube-apiserver "),
          // xaccess's launcher (tools/moto/xaccess_moto.py), or moto_server itself.
          "moto", MotoServer::isMotoCommandLine);

  private static Predicate<String> contains(String marker) {
    return commandLine -> commandLine.contains(marker);
  }

  /** What happens to the operator before make gets SIGTERM. */
  private enum Operator {
    KILLED,
    HUNG
  }

  @Test
  void sigtermToMakeStopsEverythingAfterTheOperatorWasKilled() throws Exception {
    stopMakeDev(Operator.KILLED);
  }

  @Test
  void sigtermToMakeStopsEverythingWhileTheOperatorHangs() throws Exception {
    stopMakeDev(Operator.HUNG);
  }

  /** Runs make dev until Ready, does that to the operator, SIGTERMs make; returns the dev dir. */
  private static Path stopMakeDev(Operator before) throws Exception {
    Path devDir = Files.createTempDirectory("xaccess-dev");
    Path output = devDir.resolve("make-dev.out");
    // Its own session, so nothing reaches it by the group but what this test sends.
    ProcessBuilder builder =
        new ProcessBuilder("setsid", "make", "--no-print-directory", "dev", "DEV_BUILD=false")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Map<String, String> env = builder.environment();
    // Under `make test` these would tie the inner make to the outer one's jobserver.
    env.remove("MAKEFLAGS");
    env.remove("MFLAGS");
    env.remove("MAKELEVEL");
    env.put(
        "MAVEN_OPTS",
        (env.getOrDefault("MAVEN_OPTS", "") + " -Dxaccess.dev.dir=" + devDir).strip());
    // The tools this build was given (-Dtools.dir), not the default .tools of the checkout
    // (a git worktree sharing another checkout's tools has none); MAVEN_ARGS (Maven 3.9) reaches
    // the mvnw command line of the Makefile's recipe, as a -D there would.
    env.put(
        "MAVEN_ARGS",
        (env.getOrDefault("MAVEN_ARGS", "") + " -Dtools.dir=" + MotoServer.toolsDir()).strip());
    Instant started = Instant.now();
    Process make = builder.start();
    Map<Long, ProcessHandle> recorded = new LinkedHashMap<>();
    try {
      awaitReady(make, output);
      System.out.println(
          "make dev Ready after " + Duration.between(started, Instant.now()).toSeconds() + " s");
      recorded.put(make.pid(), make.toHandle());
      make.descendants().forEach(p -> recorded.put(p.pid(), p));
      Map<String, ProcessHandle> found = new LinkedHashMap<>();
      EXPECTED.forEach(
          (name, test) ->
              recorded.values().stream()
                  .filter(p -> test.test(commandLine(p) + " "))
                  .findFirst()
                  .ifPresent(p -> found.put(name, p)));
      assertThat(found.keySet())
          .as("make dev's processes: %s", describe(recorded.values()))
          .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());

      ProcessHandle operator = found.get("operator");
      if (before == Operator.KILLED) {
        operator.destroyForcibly(); // SIGKILL
        operator.onExit().get(15, TimeUnit.SECONDS);
      } else if (before == Operator.HUNG) {
        signal("STOP", operator);
      }
      Instant stopping = Instant.now();
      make.destroy(); // SIGTERM to make's pid only, not its group
      boolean exited = make.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Duration took = Duration.between(stopping, Instant.now());
      // When make returns, what it started is gone: not left to die later on its own (an operator
      // whose API server vanished exits some 15 s later, having lost its Lease).
      Instant deadline = Instant.now().plus(AFTER_MAKE);
      while (Instant.now().isBefore(deadline) && !alive(recorded.values()).isEmpty()) {
        Thread.sleep(100);
      }
      List<ProcessHandle> survivors = alive(recorded.values());
      assertThat(survivors)
          .as(
              "still running after make %s: %s",
              exited ? "exited (in " + took.toMillis() + " ms)" : "did not exit",
              describe(survivors))
          .isEmpty();
      assertThat(exited)
          .as("make exited within %s s of SIGTERM", STOP_TIMEOUT.toSeconds())
          .isTrue();
      System.out.println(
          "make dev stopped everything in "
              + took.toMillis()
              + " ms (exit "
              + make.exitValue()
              + ")");
      return devDir;
    } catch (Throwable failure) {
      System.out.println("make dev output:\n" + Files.readString(output));
      throw failure;
    } finally {
      // Whatever happened above: leave nothing running.
      List<ProcessHandle> all = new ArrayList<>(recorded.values());
      all.addAll(make.descendants().toList());
      all.add(make.toHandle());
      all.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle p : all) {
        p.onExit().completeOnTimeout(p, 10, TimeUnit.SECONDS).join();
      }
    }
  }

  private static void signal(String name, ProcessHandle process) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, "" + process.pid()).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s %s", name, process.pid()).isZero();
  }

  private static void awaitReady(Process make, Path output)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (Files.readString(output).contains(READY)) {
        return;
      }
      if (!make.isAlive()) {
        throw new AssertionError("make dev exited (" + make.exitValue() + ") before Ready");
      }
      Thread.sleep(500);
    }
    throw new AssertionError("make dev not Ready within " + READY_TIMEOUT);
  }

  /** The processes still running: a zombie (dead, not yet reaped by its parent) is not. */
  private static List<ProcessHandle> alive(Collection<ProcessHandle> processes) {
    return processes.stream().filter(p -> p.isAlive() && !zombie(p)).toList();
  }

  private static boolean zombie(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc", "" + p.pid(), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
    } catch (IOException gone) {
      return true;
    }
  }

  private static String commandLine(ProcessHandle p) {
    Optional<String> line = p.info().commandLine();
    return line.orElseGet(() -> p.info().command().orElse("?"));
  }

  private static String describe(Collection<ProcessHandle> processes) {
    return processes.stream()
        .map(p -> "\n  " + p.pid() + " " + abbreviate(commandLine(p)))
        .collect(Collectors.joining());
  }

  private static String abbreviate(String commandLine) {
    return commandLine.length() > 160 ? commandLine.substring(0, 160) + "..." : commandLine;
  }
}
