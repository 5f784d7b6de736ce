package io.xaccess.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerOperatorTest {

  /** The bench's container is the chart's: a change to values.yaml must show up here. */
  @Test
  void runsWithTheChartsLimitsAndSecurityContext() throws Exception {
    JsonNode values = new YAMLMapper().readTree(Path.of("helm/xaccess/values.yaml").toFile());
    assertThat(values.at("/resources/limits/memory").asText())
        .isEqualTo(ContainerOperator.MEMORY_LIMIT_MB + "Mi");
    assertThat(values.at("/resources/limits/cpu").asText()).isEqualTo(ContainerOperator.CPU_LIMIT);
    assertThat(
            values.at("/podSecurityContext/runAsUser").asText()
                + ":"
                + values.at("/podSecurityContext/runAsGroup").asText())
        .isEqualTo(ContainerOperator.USER);
    assertThat(values.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(values.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(values.at("/securityContext/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
    assertThat(Files.readString(Path.of("helm/xaccess/templates/deployment.yaml")))
        .contains("terminationGracePeriodSeconds: " + ContainerOperator.STOP_GRACE.toSeconds())
        .contains("emptyDir: {sizeLimit: 64Mi}");

    List<String> options = ContainerOperator.runOptions();
    assertThat(String.join(" ", options))
        .contains("--memory 512m --memory-swap 512m")
        .contains("--cpus 1")
        .contains("--read-only")
        .contains("--tmpfs /tmp:rw,exec,nosuid,nodev,size=64m")
        .contains("--user 65532:65532")
        .contains("--cap-drop ALL")
        .contains("--security-opt no-new-privileges")
        .contains("--network host");
    assertThat(options).noneMatch(o -> o.contains("Xmx"));
  }

  @Test
  void inlinesTheKubeconfigsCertificateFiles(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.crt"), "CA");
    Path cert = Files.writeString(dir.resolve("client.crt"), "CERT");
    Path key = Files.writeString(dir.resolve("client.key"), "KEY");
    String kubeconfig =
        String.join(
            "\n",
            "apiVersion: v1",
            "clusters:",
            "  - cluster:",
            "      certificate-authority: " + ca,
            "      server: https://127.0.0.1:6443",
            "    name: kubeapitest",
            "users:",
            "  - name: kubeapitest",
            "    user:",
            "      client-certificate: '" + cert + "'",
            "      client-key: " + key,
            "");
    String inlined = ContainerOperator.inlineFiles(kubeconfig);
    assertThat(inlined)
        .isEqualTo(
            String.join(
                "\n",
                "apiVersion: v1",
                "clusters:",
                "  - cluster:",
                "      certificate-authority-data: " + b64("CA"),
                "      server: https://127.0.0.1:6443",
                "    name: kubeapitest",
                "users:",
                "  - name: kubeapitest",
                "    user:",
                "      client-certificate-data: " + b64("CERT"),
                "      client-key-data: " + b64("KEY"),
                ""));
    assertThat(new YAMLMapper().readTree(inlined).at("/users/0/user/client-key-data").asText())
        .isEqualTo(b64("KEY"));
  }

  @Test
  void onlyDockerOrNothingIsAContainerSetting() {
    System.setProperty("xaccess.bench.container", "docker");
    try {
      assertThat(BenchSettings.fromSystemProperties().inDocker()).isTrue();
      System.setProperty("xaccess.bench.container", "podman");
      org.assertj.core.api.Assertions.assertThatThrownBy(BenchSettings::fromSystemProperties)
          .hasMessageContaining("BENCH_CONTAINER");
    } finally {
      System.clearProperty("xaccess.bench.container");
    }
    assertThat(BenchSettings.fromSystemProperties().inDocker()).isFalse();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
