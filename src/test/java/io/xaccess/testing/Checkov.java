package io.xaccess.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** checkov from the project's venv, offline (no download of guidelines). */
public final class Checkov {

  private Checkov() {}

  /**
   * Runs checkov on one file ({@code -f}) or folder ({@code -d}) with one framework and asserts
   * that no check failed, that at least {@code minPassed} ran, and that every skip carries its
   * justification.
   */
  public static void assertClean(String option, String target, String framework, int minPassed)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                MotoServer.toolsDir().resolve("venv/bin/checkov").toString(),
                option,
                target,
                "--framework",
                framework,
                "--skip-download",
                "-o",
                "json"));
    Process checkov =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String output = new String(checkov.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(checkov.waitFor(5, TimeUnit.MINUTES)).isTrue();
    JsonNode report = new ObjectMapper().readTree(output);
    if (report.isArray()) {
      report = report.get(0);
    }
    JsonNode results = report.get("results");
    assertThat(report.get("summary").get("failed").asInt())
        .as("checkov failed checks in %s: %s", target, results.get("failed_checks"))
        .isZero();
    assertThat(report.get("summary").get("passed").asInt())
        .as("checks run on %s", target)
        .isGreaterThanOrEqualTo(minPassed);
    for (JsonNode skipped : results.path("skipped_checks")) {
      assertThat(skipped.path("check_result").path("suppress_comment").asText())
          .as("justification of skipped %s", skipped.get("check_id").asText())
          .isNotBlank();
    }
  }
}
