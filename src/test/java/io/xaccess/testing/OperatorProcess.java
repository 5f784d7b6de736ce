package io.xaccess.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}) as its own JVM process,
 * configured only through the environment, as a Deployment would configure it. Stopped by {@link
 * #close()} or, like the API server and moto, when the JVM that started it exits — also when that
 * JVM exits by a signal or {@code System.exit}, which skip the caller's {@code close()}.
 */
public final class OperatorProcess implements AutoCloseable {

  public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  /** How long a SIGTERM'ed operator gets to stop before SIGKILL (it needs well under a second). */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final Path log;
  private final Thread stopAtExit = new Thread(this::stop, "operator-stop");

  private OperatorProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts the operator against {@code kubeconfig} and the AWS endpoint, reaching both accounts
   * through the deployer role {@code xaccess-deployer} (moto's accounts), logging to {@code log}.
   */
  public static OperatorProcess start(
      Path kubeconfig, URI awsEndpoint, Path log, Map<String, String> extraEnv) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: build it with ./mvnw package");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1"); // as the image: C1 only
    command.add("-jar");
    command.add(JAR.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.putAll(environment(awsEndpoint));
    env.putAll(extraEnv);
    try {
      OperatorProcess operator = new OperatorProcess(builder.start(), log);
      Runtime.getRuntime().addShutdownHook(operator.stopAtExit);
      return operator;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The operator's settings for the tests (besides how it reaches Kubernetes): both accounts
   * through the deployer role {@code xaccess-deployer} at {@code awsEndpoint}, free ports.
   */
  public static Map<String, String> environment(URI awsEndpoint) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_ENDPOINT_URL", awsEndpoint.toString());
    env.put("AWS_ACCESS_KEY_ID", "xaccess-local");
    env.put("AWS_SECRET_ACCESS_KEY", "xaccess-local");
    env.put("AWS_REGION", "us-east-1");
    env.put("XACCESS_AWS_DEPLOYER_ROLE_NAME", "xaccess-deployer");
    env.put("XACCESS_AWS_S3_PATH_STYLE", "true");
    env.put("XACCESS_POLL_INTERVAL", "2s");
    env.put("QUARKUS_HTTP_PORT", "0");
    env.put("QUARKUS_MANAGEMENT_PORT", "0");
    return env;
  }

  /** SIGKILL: the process gets no chance to finish anything (a node failure, an OOM kill). */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /**
   * The management interface (health probes, metrics) once the process has started, read from the
   * port Quarkus logs (the tests let it pick a free one).
   */
  public URI managementUri(Duration timeout) throws InterruptedException {
    java.util.regex.Pattern listening =
        java.util.regex.Pattern.compile(
            "Management interface listening on (http://[^\\s]+?)\\.?(\\s|$)");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        java.util.regex.Matcher m = listening.matcher(Files.readString(log));
        if (m.find()) {
          return URI.create(m.group(1).replace("localhost", "127.0.0.1"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator exited; see " + log);
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no management interface after " + timeout + "; see " + log);
  }

  /** The operator's OS process: its pid (for /proc and jcmd) and start time. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Stops the operator (SIGTERM, then SIGKILL after {@link #STOP_GRACE}) and what it started. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs, or has run, anyway
    }
  }

  /**
   * Whatever state the operator is in: running, already dead, or stopped (SIGSTOP) or hung so that
   * only SIGKILL ends it. Its descendants are taken first: once it is gone they are no longer its.
   */
  private void stop() {
    List<ProcessHandle> tree =
        Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    try {
      for (ProcessHandle p : tree) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          p.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      }
    } catch (TimeoutException | ExecutionException e) {
      // SIGKILL below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
