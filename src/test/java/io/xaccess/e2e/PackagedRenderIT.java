package io.xaccess.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar quarkus-run.jar render …}, the packaged jar as a user runs it: renders and exits
 * without starting the operator (no cluster or AWS is reachable here, and none is needed), reads
 * standard input, and exits 2 naming the field of an invalid manifest. PackagedOperatorIT runs the
 * same jar without arguments: the operator.
 */
class PackagedRenderIT {

  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Run(int status, String out, String err) {}

  @Test
  void rendersAnExampleAndExitsWithoutStartingTheOperator() throws Exception {
    Run run = run("", "render", "-f", "examples/basic.yaml");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    JsonNode grant = JSON.readTree(run.out()).get("grants").get(0);
    assertThat(grant.get("grant").asText()).isEqualTo("default/basic");
    assertThat(grant.get("summary").asText())
        .startsWith("Any principal in account 222222222222 may assume");
    assertThat(run.out()).doesNotContain("Quarkus", "Operator SDK");
  }

  @Test
  void readsStandardInput() throws Exception {
    Run run =
        run(
            Files.readString(Path.of("examples/mfa-for-people.yaml")),
            "render",
            "-f",
            "-",
            "-o",
            "text");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("default/analysts-read-only:\n")
        .contains("only when signed in with MFA");
  }

  @Test
  void anInvalidManifestExitsTwoNamingTheField() throws Exception {
    String manifest =
        Files.readString(Path.of("examples/basic.yaml"))
            .replace(
                "name: xaccess-example-basic", "name: xaccess-example-basic\n    prefix: \"a*/\"");

    Run run = run(manifest, "render", "-f", "-");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("CrossAccountAccess basic: spec.bucket.prefix:");
  }

  @Test
  void helpExitsZero() throws Exception {
    assertThat(run("", "--help").out()).contains("render ...");
    Run help = run("", "render", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("Usage: xaccess render");
  }

  private static Run run(String stdin, String... args) throws Exception {
    assertThat(JAR).as("built by mvnw package").exists();
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String out = read(process.getInputStream());
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("render exits by itself").isTrue();
    return new Run(process.exitValue(), out, err.get(1, TimeUnit.MINUTES));
  }

  private static String read(java.io.InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
