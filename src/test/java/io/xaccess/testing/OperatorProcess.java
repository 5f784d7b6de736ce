package io.xaccess.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    env.put("AWS_ENDPOINT_URL", awsEndpoint.toString());
    env.put("AWS_ACCESS_KEY_ID", "xaccess-local");
    env.put("AWS_SECRET_ACCESS_KEY", "xaccess-local");
    env.put("AWS_REGION", "us-east-1");
    env.put("XACCESS_AWS_DEPLOYER_ROLE_NAME", "xaccess-deployer");
    env.put("XACCESS_AWS_S3_PATH_STYLE", "true");
    env.put("XACCESS_POLL_INTERVAL", "2s");
    env.put("QUARKUS_HTTP_PORT", "0");
    env.put("QUARKUS_MANAGEMENT_PORT", "0");
    env.putAll(extraEnv);
    try {
      return new OperatorProcess(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
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
