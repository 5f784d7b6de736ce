package io.xaccess.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.MotoServer;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.XaccessCrd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same end-to-end scenario on a real k3s cluster (Testcontainers), wherever a Docker engine
 * exists; skipped, saying why, where none does.
 */
class K3sEndToEndIT {

  private static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.34.1-k3s1");

  @Test
  void theBasicExampleBecomesReadyOnK3s() throws Exception {
    assumeTrue(
        DockerClientFactory.instance().isDockerAvailable(),
        "no Docker engine on this machine, so no k3s: the same scenario runs against a real"
            + " kube-apiserver in PackagedOperatorIT");
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
