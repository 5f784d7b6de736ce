package io.xaccess.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaccess.testing.Checkov;
import io.xaccess.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped templates pass cfn-lint with no finding and checkov with no failed check; every check
 * checkov skips is justified by a comment in the template.
 */
class TemplateLintIT {

  private static final Path TEMPLATES = Path.of("src", "main", "resources", "cloudformation");

  /** The deployer roles a platform team deploys once per account. */
  private static final Path DEPLOYERS = Path.of("deploy", "aws");

  @Test
  void cfnLintFindsNothing() throws Exception {
    Result lint =
        run(
            tool("cfn-lint"),
            TEMPLATES.resolve("production.yaml").toString(),
            TEMPLATES.resolve("development.yaml").toString(),
            DEPLOYERS.resolve("production-deployer.yaml").toString(),
            DEPLOYERS.resolve("development-deployer.yaml").toString());
    assertThat(lint.output()).isEmpty();
    assertThat(lint.exitCode()).isZero();
  }

  @Test
  void checkovFailsNoCheckAndEverySkipIsJustified() throws Exception {
    // One run per folder: checkov prints one JSON document per -d.
    for (Path folder : List.of(TEMPLATES, DEPLOYERS)) {
      Checkov.assertClean("-d", folder.toString(), "cloudformation", 6);
    }
  }

  private static String tool(String name) {
    return MotoServer.toolsDir().resolve("venv/bin/" + name).toString();
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(new ArrayList<>(List.of(command)))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), output.strip());
  }
}
