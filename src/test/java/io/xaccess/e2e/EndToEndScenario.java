package io.xaccess.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xaccess.testing.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a newcomer does, on any cluster the packaged operator watches: apply the basic example, see
 * it Ready with access verified, delete it and see it go. Prints the operator's log on failure.
 */
public final class EndToEndScenario {

  private EndToEndScenario() {}

  public static void run(Kubectl kubectl, Path operatorLog) throws Exception {
    try {
      kubectl.succeed("create", "namespace", "e2e");
      kubectl.succeed("apply", "-n", "e2e", "-f", "examples/basic.yaml");
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> status(kubectl, "Ready"), "True"::equals);
      assertThat(status(kubectl, "AccessVerified")).isEqualTo("True");

      kubectl.succeed(
          "delete", "-n", "e2e", "-f", "examples/basic.yaml", "--wait=true", "--timeout=120s");
      assertThat(kubectl.run("get", "xaa", "basic", "-n", "e2e").output()).contains("NotFound");
    } catch (Throwable failure) {
      System.out.println("operator log:\n" + Files.readString(operatorLog));
      throw failure;
    }
  }

  private static String status(Kubectl kubectl, String condition) {
    return kubectl.succeed(
        "get",
        "xaa",
        "basic",
        "-n",
        "e2e",
        "-o",
        "jsonpath={.status.conditions[?(@.type==\"" + condition + "\")].status}");
  }
}
