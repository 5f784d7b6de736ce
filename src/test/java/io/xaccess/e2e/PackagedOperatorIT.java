package io.xaccess.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.MotoServer;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.XaccessCrd;
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
    LocalKubeApiServer kube = LocalKubeApiServer.startNew();
    MotoServer moto = MotoServer.startNew();
    Path log = Files.createTempFile("xaccess-operator", ".log");
    try {
      try (KubernetesClient client = kube.newClient()) {
        XaccessCrd.install(client);
      }
      try (OperatorProcess operator =
          OperatorProcess.start(kube.kubeConfigFile(), moto.endpoint(), log, Map.of())) {
        EndToEndScenario.run(new Kubectl(kube), log);
        assertThat(operator.isAlive()).isTrue();
      }
    } finally {
      kube.stop();
      moto.stop();
    }
  }
}
