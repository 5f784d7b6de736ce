package io.xaccess.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * What the operator runs against in the tests and in {@code make dev}: its own real kube-apiserver
 * + etcd with the CRD installed, and its own moto server for both AWS accounts behind an {@link
 * AwsFaultProxy} that forwards one request at a time — moto's backends are not thread-safe, and an
 * operator working on several grants at once otherwise gets HTTP 500s and stacks stuck in progress
 * from it. Each {@link #start()} starts separate processes; share one cluster by sharing the
 * object.
 */
public final class TestCluster implements AutoCloseable {

  /**
   * How a cluster is set up.
   *
   * @param crd install the CRD from crds/ (off for tests that install it as a user does: Helm,
   *     {@code kubectl apply -k})
   * @param motoConcurrency requests forwarded to moto at a time (1: one, the default; 0: no proxy,
   *     the operator talks to moto itself)
   * @param openPolicy with the CRDs, add the open test policy ({@link XaccessCrd#OPEN_POLICY});
   *     off: every namespace starts fail-closed, as on a fresh cluster
   */
  public record Options(boolean crd, int motoConcurrency, boolean openPolicy) {

    public static final Options DEFAULT = new Options(true, 1, true);

    public Options withoutCrd() {
      return new Options(false, motoConcurrency, false);
    }

    public Options withoutOpenPolicy() {
      return new Options(crd, motoConcurrency, false);
    }

    public Options motoConcurrency(int requests) {
      return new Options(crd, requests, openPolicy);
    }
  }

  private final LocalKubeApiServer kube;
  private final MotoServer moto;
  private final AwsFaultProxy proxy;
  private final KubernetesClient client;

  private TestCluster(LocalKubeApiServer kube, MotoServer moto, AwsFaultProxy proxy) {
    this.kube = kube;
    this.moto = moto;
    this.proxy = proxy;
    this.client = kube.newClient();
  }

  /** A new cluster with the CRD installed and moto behind a one-request-at-a-time proxy. */
  public static TestCluster start() {
    return start(Options.DEFAULT);
  }

  public static TestCluster start(Options options) {
    if (options.motoConcurrency() < 0) {
      throw new IllegalArgumentException("motoConcurrency: " + options.motoConcurrency());
    }
    LocalKubeApiServer kube = LocalKubeApiServer.startNew();
    MotoServer moto = MotoServer.startNew();
    AwsFaultProxy proxy = null;
    if (options.motoConcurrency() > 0) {
      try {
        proxy = new AwsFaultProxy(moto.endpoint(), options.motoConcurrency());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    TestCluster cluster = new TestCluster(kube, moto, proxy);
    if (options.crd()) {
      XaccessCrd.installCrds(cluster.client);
      if (options.openPolicy()) {
        XaccessCrd.installOpenPolicy(cluster.client);
      }
    }
    return cluster;
  }

  /** Creates the namespace unless it exists; returns its name. */
  public String namespace(String name) {
    return XaccessCrd.ensureNamespace(client, name);
  }

  public LocalKubeApiServer kube() {
    return kube;
  }

  /** A client with cluster-admin rights, closed with the cluster. */
  public KubernetesClient client() {
    return client;
  }

  /** kubectl as cluster-admin. */
  public Kubectl kubectl() {
    return new Kubectl(kube);
  }

  /** The grants of this cluster, as its admin client sees them. */
  public Grants grants() {
    return Grants.on(client);
  }

  /**
   * moto itself, for the tests' own look at AWS ({@link AwsTestAccounts#open}): no fault the proxy
   * injects reaches them.
   */
  public MotoServer moto() {
    return moto;
  }

  /** The AWS endpoint to give the operator: the proxy, or moto where there is none. */
  public URI awsEndpoint() {
    return proxy != null ? proxy.endpoint() : moto.endpoint();
  }

  /** The proxy in front of moto, to inject faults and count requests. */
  public AwsFaultProxy proxy() {
    if (proxy == null) {
      throw new IllegalStateException("this cluster's moto has no proxy (motoConcurrency 0)");
    }
    return proxy;
  }

  /** Stops everything now (shutdown hooks would at the JVM's exit). */
  @Override
  public void close() {
    client.close();
    if (proxy != null) {
      proxy.close();
    }
    moto.stop();
    kube.stop();
  }
}
