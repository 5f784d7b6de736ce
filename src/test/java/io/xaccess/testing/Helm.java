package io.xaccess.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real Helm CLI ({@code make tools} builds it into .tools/bin) and the project's chart. */
public final class Helm {

  public static final Path CHART = Path.of("helm", "xaccess");

  /** What one helm run printed (stdout and stderr together) and how it exited. */
  public record Result(int exitCode, String output) {}

  private Helm() {}

  public static Path binary() {
    Path helm = MotoServer.toolsDir().resolve("bin").resolve("helm");
    if (!Files.isExecutable(helm)) {
      throw new IllegalStateException(helm + " is missing: run `make tools`");
    }
    return helm;
  }

  public static Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    Processes.Result result = Processes.run(command, java.time.Duration.ofSeconds(120));
    return new Result(result.exitCode(), result.output());
  }

  public static String succeed(String... args) {
    Result result = run(args);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          "helm "
              + String.join(" ", args)
              + " exited "
              + result.exitCode()
              + ":\n"
              + result.output());
    }
    return result.output();
  }

  /**
   * {@code helm template} of the chart in namespace xaccess-system with these {@code --set} values,
   * parsed into objects.
   */
  public static List<HasMetadata> template(String... sets) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "template",
                "xaccess-operator",
                CHART.toString(),
                "--namespace",
                "xaccess-system",
                "--kube-version",
                "1.34.0"));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    return parse(succeed(args.toArray(String[]::new)));
  }

  public static List<HasMetadata> parse(String yaml) {
    try (var client = new KubernetesClientBuilder().build()) {
      return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }
  }
}
