package io.xaccess.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CRD in crds/ is exactly what the generator makes of the api/ types today. Run {@code make
 * crds} after changing the types, and review the diff of crds/ like code.
 */
class CrdGenerationTest {

  private static final Path CHECKED_IN = Path.of("crds", CrdGeneration.FILE_NAME);

  @Test
  void checkedInCrdMatchesTheJavaTypes() throws Exception {
    String generated = Files.readString(CrdGeneration.generate(Path.of("target", "crds")));
    if (Boolean.getBoolean("xaccess.crd.update")) {
      Files.writeString(CHECKED_IN, generated);
    }

    assertThat(CHECKED_IN).exists();
    assertThat(Files.readString(CHECKED_IN))
        .as("%s is stale: run 'make crds' and commit the result", CHECKED_IN)
        .isEqualTo(generated);
  }
}
