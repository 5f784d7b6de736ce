package io.xaccess.e2e;

import static io.xaccess.testing.Grants.has;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.testing.Grants;
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

  /** With kubectl as the user runs it; {@code client} (the same cluster) watches the grant. */
  public static void run(Kubectl kubectl, KubernetesClient client, Path operatorLog)
      throws Exception {
    try {
      kubectl.succeed("create", "namespace", "e2e");
      // The platform team's policy that lets namespace e2e grant (fail closed without one).
      kubectl.succeed("apply", "-f", "examples/policy-local.yaml");
      kubectl.succeed("apply", "-n", "e2e", "-f", "examples/basic.yaml");
      CrossAccountAccess ready =
          Grants.on(client).within(Duration.ofMinutes(2)).awaitReady("e2e", "basic");
      assertThat(has(ready, "AccessVerified", "True")).as(Grants.describe(ready)).isTrue();

      kubectl.succeed(
          "delete", "-n", "e2e", "-f", "examples/basic.yaml", "--wait=true", "--timeout=120s");
      assertThat(kubectl.run("get", "xaa", "basic", "-n", "e2e").output()).contains("NotFound");
    } catch (Throwable failure) {
      System.out.println("operator log:\n" + Files.readString(operatorLog));
      throw failure;
    }
  }
}
