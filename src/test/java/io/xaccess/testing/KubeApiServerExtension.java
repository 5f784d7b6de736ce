package io.xaccess.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a Fabric8 client for the JVM's shared real API server ({@link LocalKubeApiServer}).
 * Test classes share the server, so each uses its own namespace.
 */
public final class KubeApiServerExtension implements ParameterResolver {

  /** Closes the client with the test class's store. */
  private record ClosingClient(KubernetesClient client)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      client.close();
    }
  }

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KubeApiServerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class || type == LocalKubeApiServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    LocalKubeApiServer server = LocalKubeApiServer.shared();
    if (parameter.getParameter().getType() == LocalKubeApiServer.class) {
      return server;
    }
    // One client per test class, closed with it.
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            ClosingClient.class, k -> new ClosingClient(server.newClient()), ClosingClient.class)
        .client();
  }
}
