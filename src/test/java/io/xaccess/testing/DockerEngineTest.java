package io.xaccess.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DockerEngineTest {

  /** A Testcontainers upgrade that changes them would make DockerEngine check the wrong images. */
  @Test
  void theImagesCheckedAreTheOnesThisTestcontainersRuns() throws IOException {
    assertThat(classConstants("org/testcontainers/utility/RyukContainer.class"))
        .contains(DockerEngine.RYUK_IMAGE);
    assertThat(classConstants("org/testcontainers/DockerClientFactory.class"))
        .contains(DockerEngine.TINY_IMAGE);
  }

  @Test
  void aPullFailureIsReportedInTheEnginesOwnWords() {
    assertThat(
            DockerEngine.engineMessage(
                "Status 500: {\"message\":\"Get \\\"https://registry-1.docker.io/v2/\\\": dial tcp:"
                    + " lookup registry-1.docker.io: no such host\"}\n"))
        .isEqualTo(
            "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no"
                + " such host");
    assertThat(DockerEngine.engineMessage("Could not pull image\n"))
        .isEqualTo("Could not pull image");
  }

  /** The class file as text: its string constants appear in it verbatim. */
  private static String classConstants(String resource) throws IOException {
    try (InputStream in = DockerEngine.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
