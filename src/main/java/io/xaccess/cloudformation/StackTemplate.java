package io.xaccess.cloudformation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The two static templates shipped in the jar (src/main/resources/cloudformation). */
public enum StackTemplate {
  PRODUCTION("production.yaml"),
  DEVELOPMENT("development.yaml");

  private final String body;
  private final String hash;

  StackTemplate(String file) {
    try (InputStream in = StackTemplate.class.getResourceAsStream("/cloudformation/" + file)) {
      if (in == null) {
        throw new IllegalStateException("template " + file + " is missing from the jar");
      }
      this.body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.hash = Hashing.sha256(body);
  }

  public String body() {
    return body;
  }

  public String hash() {
    return hash;
  }
}
