package io.xaccess.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CRD in crds/ (kubectl and kustomize users) and its copy in the Helm chart's crds/ are exactly
 * what the generator makes of the api/ types today. Run {@code make crds} after changing the types,
 * and review the diff like code.
 */
class CrdGenerationTest {

  @ParameterizedTest
  @CsvSource({
    "crds," + CrdGeneration.FILE_NAME,
    "helm/xaccess/crds," + CrdGeneration.FILE_NAME,
    "crds," + CrdGeneration.POLICY_FILE_NAME,
    "helm/xaccess/crds," + CrdGeneration.POLICY_FILE_NAME
  })
  void checkedInCrdMatchesTheJavaTypes(String folder, String file) throws Exception {
    Path checkedIn = Path.of(folder, file);
    Path generatedDir = Path.of("target", "crds");
    CrdGeneration.generate(generatedDir);
    String generated = Files.readString(generatedDir.resolve(file));
    if (Boolean.getBoolean("xaccess.crd.update")) {
      Files.writeString(checkedIn, generated);
    }

    assertThat(checkedIn).exists();
    assertThat(Files.readString(checkedIn))
        .as("%s is stale: run 'make crds' and commit the result", checkedIn)
        .isEqualTo(generated);
  }
}
