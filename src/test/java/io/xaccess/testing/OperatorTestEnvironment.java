package io.xaccess.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The real parts the operator runs against in {@code @QuarkusTest}s: its own kube-apiserver with
 * the CRD installed, its own moto server behind an {@link AwsFaultProxy}, both accounts reached
 * through the deployer role {@code xaccess-deployer}. One per test JVM; test classes isolate by
 * namespace and bucket names.
 */
public final class OperatorTestEnvironment implements QuarkusTestResourceLifecycleManager {

  private static LocalKubeApiServer kube;
  private static MotoServer moto;
  private static AwsFaultProxy proxy;

  @Override
  public synchronized Map<String, String> start() {
    if (kube == null) {
      kube = LocalKubeApiServer.startNew();
      try (KubernetesClient client = kube.newClient()) {
        XaccessCrd.install(client);
      }
      moto = MotoServer.startNew();
      try {
        proxy = new AwsFaultProxy(moto.endpoint());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    // The operator's own identity and endpoint come from the SDK's standard settings, as in
    // production; moto accepts any keys as its default account.
    System.setProperty("aws.endpointUrl", proxy.endpoint().toString());
    System.setProperty("aws.accessKeyId", "operator-test");
    System.setProperty("aws.secretAccessKey", "operator-test");
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("kubeconfig", kube.kubeConfigFile().toString());
    return Map.of(
        "xaccess.aws.deployer-role-name", "xaccess-deployer",
        "xaccess.aws.s3-path-style", "true",
        "xaccess.poll-interval", "1s",
        "xaccess.stalled-recheck-interval", "2s",
        "xaccess.verification.retry-initial-delay", "1s",
        "xaccess.verification.propagation-window", "5s");
  }

  @Override
  public void stop() {
    // Kept for the JVM's other test classes; shutdown hooks stop the processes.
  }

  public static LocalKubeApiServer kube() {
    return kube;
  }

  public static MotoServer moto() {
    return moto;
  }

  public static AwsFaultProxy proxy() {
    return proxy;
  }
}
