package io.xaccess.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.xaccess.testing.DockerEngine;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.MotoServer;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.XaccessCrd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same end-to-end scenario on a real k3s cluster (Testcontainers), wherever a Docker engine
 * exists and holds or can pull the k3s image; skipped, saying why, elsewhere.
 */
class K3sEndToEndIT {

  private static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.34.1-k3s1");

  @Test
  void theBasicExampleBecomesReadyOnK3s() throws Exception {
    Optional<String> noK3s = DockerEngine.whyNotUsable(K3S);
    if (noK3s.isPresent()) {
      Assumptions.abort(
          noK3s.get()
              + ". So no k3s here: the same scenario runs against a real kube-apiserver in"
              + " PackagedOperatorIT");
    }
    try (K3sContainer k3s = new K3sContainer(K3S)) {
      k3s.start();
      Path kubeconfig = Files.createTempFile("k3s", ".yaml");
      Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
      MotoServer moto = MotoServer.startNew();
      Path log = Files.createTempFile("xaccess-operator-k3s", ".log");
      try (KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
              .build()) {
        XaccessCrd.install(client);
        try (OperatorProcess operator =
            OperatorProcess.start(kubeconfig, moto.endpoint(), log, Map.of())) {
          EndToEndScenario.run(
              new Kubectl(LocalKubeApiServer.kubectlBinary(), kubeconfig), client, log);
        }
      } finally {
        moto.stop();
      }
    }
  }
}
