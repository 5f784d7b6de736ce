package io.xaccess.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.testing.KubeApiServerExtension;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.LocalKubeApiServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The test API server is a real kube-apiserver backed by etcd, reachable by client and kubectl. */
@ExtendWith(KubeApiServerExtension.class)
class KubeApiServerSmokeIT {

  @Test
  void writesAndReadsBackAnObject(KubernetesClient client) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("smoke").endMetadata().build())
        .serverSideApply();
    client
        .configMaps()
        .inNamespace("smoke")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("greeting")
                .endMetadata()
                .withData(Map.of("hello", "world"))
                .build())
        .create();

    ConfigMap readBack = client.configMaps().inNamespace("smoke").withName("greeting").get();

    assertThat(readBack.getData()).containsEntry("hello", "world");
    // Assigned by the API server on write, so it went through a real storage round trip.
    assertThat(readBack.getMetadata().getUid()).isNotBlank();
    assertThat(readBack.getMetadata().getResourceVersion()).isNotBlank();
  }

  @Test
  void isARealKubeApiServerWithEtcd(KubernetesClient client) {
    assertThat(client.getKubernetesVersion().getGitVersion()).startsWith("v1.34.");
    // The etcd readiness check exists only on a real kube-apiserver with a storage backend;
    // Fabric8's mock server has no /readyz at all.
    String readyz = client.raw(client.getMasterUrl() + "readyz?verbose");
    assertThat(readyz).contains("[+]etcd ok").contains("readyz check passed");
  }

  @Test
  void kubectlSeesTheSameServer(KubernetesClient client, LocalKubeApiServer server) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("smoke-kubectl")
                .endMetadata()
                .build())
        .serverSideApply();

    String output =
        new Kubectl(server)
            .succeed("get", "namespace", "smoke-kubectl", "-o", "jsonpath={.status.phase}");
    assertThat(output).isEqualTo("Active");
  }
}
