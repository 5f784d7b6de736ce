package io.xaccess.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}) as its own JVM process,
 * configured only through the environment, as a Deployment would configure it.
 */
public final class OperatorProcess implements AutoCloseable {

  public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  private final Process process;
  private final Path log;

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
    command.add("-jar");
    command.add(JAR.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.putAll(environment(awsEndpoint));
    env.putAll(extraEnv);
    try {
      return new OperatorProcess(builder.start(), log);
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
  public URI managementUri(java.time.Duration timeout) throws InterruptedException {
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

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
