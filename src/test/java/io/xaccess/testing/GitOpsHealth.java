package io.xaccess.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What Argo CD and Flux make of an object, computed by their own engines: the chart's Argo CD
 * health script run by gopher-lua (the Lua interpreter Argo CD embeds) and Flux's kstatus ({@code
 * sigs.k8s.io/cli-utils/pkg/kstatus}), in {@code .tools/bin/health} (tools/health).
 */
public final class GitOpsHealth {

  public static final Path ARGOCD_SCRIPT = Path.of("helm", "xaccess", "files", "argocd-health.lua");

  /** Argo CD's health status and message, and kstatus' status and message. */
  public record Verdict(
      String argoCd, String argoCdMessage, String kstatus, String kstatusMessage) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private GitOpsHealth() {}

  /** Evaluates one object, given as JSON (as the API server returned it). */
  public static Verdict of(String objectJson) {
    Path tool = MotoServer.toolsDir().resolve("bin").resolve("health");
    if (!Files.isExecutable(tool)) {
      throw new IllegalStateException(tool + " is missing: run `make tools`");
    }
    try {
      Process process =
          new ProcessBuilder(tool.toString(), "-lua", ARGOCD_SCRIPT.toString())
              .redirectErrorStream(true)
              .start();
      try (var in = process.getOutputStream()) {
        in.write(objectJson.getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError("health failed: " + output);
      }
      JsonNode result = JSON.readTree(output);
      return new Verdict(
          result.path("argocd").path("status").asText(),
          result.path("argocd").path("message").asText(),
          result.path("kstatus").path("status").asText(),
          result.path("kstatus").path("message").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
