package io.xaccess.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real kubectl binary, pointed at the JVM's test API server. */
public final class Kubectl {

  /** What one kubectl run printed (stdout and stderr together) and how it exited. */
  public record Result(int exitCode, String output) {}

  private final Path binary;
  private final Path kubeconfig;

  public Kubectl(LocalKubeApiServer server) {
    this(server.kubectl(), server.kubeConfigFile());
  }

  /** kubectl with any kubeconfig (a k3s cluster, say). */
  public Kubectl(Path binary, Path kubeconfig) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
  }

  public Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    command.addAll(List.of(args));
    Processes.Result result = Processes.run(command, java.time.Duration.ofSeconds(60));
    return new Result(result.exitCode(), result.output());
  }

  /** Runs kubectl and returns its output, failing the test when it exits non-zero. */
  public String succeed(String... args) {
    Result result = run(args);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          "kubectl "
              + String.join(" ", args)
              + " exited "
              + result.exitCode()
              + ":\n"
              + result.output());
    }
    return result.output();
  }
}
