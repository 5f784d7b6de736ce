package io.xaccess.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * One real kube-apiserver + etcd per test JVM, started by kube-api-test from the binaries in {@code
 * ~/.kubeapitest} (built from source by {@code tools/k8s-binaries/build.sh} when offline).
 */
public final class LocalKubeApiServer {

  private static LocalKubeApiServer shared;

  private final KubeAPIServer server;
  private final String kubeConfigYaml;
  private final Path kubeConfigFile;

  private LocalKubeApiServer(KubeAPIServer server) {
    this.server = server;
    this.kubeConfigYaml = server.getKubeConfigYaml();
    try {
      this.kubeConfigFile = Files.createTempFile("xaccess-kubeconfig", ".yaml");
      Files.writeString(kubeConfigFile, kubeConfigYaml);
      kubeConfigFile.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API server of this JVM, started on first use and stopped when the JVM exits. */
  public static synchronized LocalKubeApiServer shared() {
    if (shared == null) {
      shared = startNew();
    }
    return shared;
  }

  /**
   * A separate API server (each {@link TestCluster} has its own, so an operator sees no resource of
   * another test class), stopped when the JVM exits.
   */
  public static LocalKubeApiServer startNew() {
    // The version is pinned in pom.xml (KUBE_API_TEST_API_SERVER_VERSION); offline mode is left
    // to kube-api-test's own switch so the same tests download the binaries where they can.
    // On a loaded 2-core machine a start can miss kube-api-test's readiness wait. The processes it
    // started are then stopped (left running, they slowed every later start) and it is tried once
    // more.
    RuntimeException first = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      KubeAPIServer server =
          new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig().build());
      try {
        server.start();
      } catch (RuntimeException notStarted) {
        try {
          server.stop();
        } catch (RuntimeException ignored) {
          notStarted.addSuppressed(ignored);
        }
        if (first != null) {
          notStarted.addSuppressed(first);
          throw notStarted;
        }
        first = notStarted;
        continue;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "kube-apiserver-stop"));
      return new LocalKubeApiServer(server);
    }
    throw first;
  }

  /** Stops this API server (and its etcd). */
  public void stop() {
    server.stop();
  }

  /** A new client with cluster-admin rights on this API server; the caller closes it. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfigYaml)).build();
  }

  /**
   * The kubectl that kube-api-test keeps beside the kube-apiserver it runs: the newest version
   * folder matching the pinned {@code KUBE_API_TEST_API_SERVER_VERSION}.
   */
  public Path kubectl() {
    return kubectlBinary();
  }

  /** The kubectl kube-api-test keeps, whichever API server a test talks to. */
  public static Path kubectlBinary() {
    String configured = setting("KUBE_API_TEST_DIR");
    Path k8s =
        Path.of(configured != null ? configured : System.getProperty("user.home") + "/.kubeapitest")
            .resolve("k8s");
    String version = setting("KUBE_API_TEST_API_SERVER_VERSION");
    String prefix = version == null ? "" : version.replace("*", "");
    try (var folders = Files.list(k8s)) {
      return folders
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .max(
              Comparator.comparing(
                  p -> Runtime.Version.parse(p.getFileName().toString().split("-")[0])))
          .map(p -> p.resolve("kubectl"))
          .filter(Files::isExecutable)
          .orElseThrow(() -> new IllegalStateException("no kubectl " + version + " under " + k8s));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String setting(String name) {
    String value = System.getProperty(name);
    return value != null ? value : System.getenv(name);
  }

  public String kubeConfigYaml() {
    return kubeConfigYaml;
  }

  /**
   * A kubeconfig that authenticates as a ServiceAccount (a token from the TokenRequest API), so a
   * process gets exactly the RBAC rights bound to it — as the operator does in a cluster.
   */
  public Path kubeConfigFor(String namespace, String serviceAccount) {
    String token = serviceAccountToken(namespace, serviceAccount);
    String server = field("server:");
    String ca = field("certificate-authority:");
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: kubeapitest",
            "  cluster: {server: '" + server + "', certificate-authority: '" + ca + "'}",
            "users:",
            "- name: " + serviceAccount,
            "  user: {token: '" + token + "'}",
            "contexts:",
            "- name: sa",
            "  context: {cluster: kubeapitest, user: "
                + serviceAccount
                + ", namespace: "
                + namespace
                + "}",
            "current-context: sa",
            "");
    try {
      Path file = Files.createTempFile("xaccess-sa-kubeconfig", ".yaml");
      Files.writeString(file, yaml);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A one-hour token of a ServiceAccount, from the TokenRequest API. */
  public String serviceAccountToken(String namespace, String serviceAccount) {
    try (KubernetesClient client = newClient()) {
      return client
          .serviceAccounts()
          .inNamespace(namespace)
          .withName(serviceAccount)
          .tokenRequest(
              new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
                  .withNewSpec()
                  .withExpirationSeconds(3600L)
                  .endSpec()
                  .build())
          .getStatus()
          .getToken();
    }
  }

  private String field(String key) {
    return kubeConfigYaml
        .lines()
        .map(String::strip)
        .filter(l -> l.startsWith(key))
        .map(l -> l.substring(key.length()).strip())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("kubeconfig has no " + key));
  }

  /** A kubeconfig file for processes started by tests (kubectl, the operator). */
  public Path kubeConfigFile() {
    return kubeConfigFile;
  }
}
