package io.xaccess.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The artifact users run: the packaged operator as its own process, configured only by environment,
 * against its own real kube-apiserver and moto — what {@code make dev} runs.
 */
class PackagedOperatorIT {

  @Test
  void theBasicExampleBecomesReadyAndGoesAwayOnDelete() throws Exception {
    Path log = Files.createTempFile("xaccess-operator", ".log");
    try (TestCluster cluster = TestCluster.start();
        OperatorProcess operator =
            OperatorProcess.start(
                cluster.kube().kubeConfigFile(), cluster.awsEndpoint(), log, Map.of())) {
      EndToEndScenario.run(cluster.kubectl(), cluster.client(), log);
      assertThat(operator.isAlive()).isTrue();
    }
  }
}
