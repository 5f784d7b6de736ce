package io.xaccess.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Installs the checked-in CRD (crds/) into a test API server, as a user would. */
public final class XaccessCrd {

  public static final Path FILE = Path.of("crds", "crossaccountaccesses.xaccess.io-v1.yml");

  /** The tenancy policy's CRD. */
  public static final Path POLICY_FILE =
      Path.of("crds", "crossaccountaccesspolicies.xaccess.io-v1.yml");

  /**
   * The label that takes a namespace out of {@link #OPEN_POLICY}: tenancy tests put it on theirs.
   */
  public static final String TENANCY_TEST_LABEL = "xaccess.io/tenancy-test";

  /** The permissive policy {@link #install} adds (src/test/resources/tenancy). */
  public static final String OPEN_POLICY = "/tenancy/open-for-tests.yaml";

  private XaccessCrd() {}

  /** Installs the CRD (see {@link #install}) and makes sure {@code namespace} exists. */
  public static void installWithNamespace(KubernetesClient client, String namespace) {
    install(client);
    ensureNamespace(client, namespace);
  }

  /** Creates the namespace unless it exists. */
  public static String ensureNamespace(KubernetesClient client, String namespace) {
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(namespace)
                .endMetadata()
                .build())
        .serverSideApply();
    return namespace;
  }

  /**
   * Server-side applies both CRDs, waits until the API server serves them, and adds the open test
   * policy ({@link #OPEN_POLICY}), so the tests of other features need no policy of their own.
   */
  public static void install(KubernetesClient client) {
    installCrds(client);
    installOpenPolicy(client);
  }

  /** Both CRDs, without any policy: every namespace starts fail-closed. */
  public static void installCrds(KubernetesClient client) {
    installCrd(client, FILE);
    installCrd(client, POLICY_FILE);
  }

  /** The open test policy ({@link #OPEN_POLICY}). */
  public static void installOpenPolicy(KubernetesClient client) {
    try (InputStream in = XaccessCrd.class.getResourceAsStream(OPEN_POLICY)) {
      client
          // Typed: a generic resource needs API discovery, which can lag behind Established.
          .resource(
              client
                  .getKubernetesSerialization()
                  .unmarshal(in, io.xaccess.api.v1alpha1.CrossAccountAccessPolicy.class))
          .forceConflicts()
          .serverSideApply();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void installCrd(KubernetesClient client, Path file) {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(file)) {
      crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client.resource(crd).forceConflicts().serverSideApply();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            cond ->
                                "Established".equals(cond.getType())
                                    && "True".equals(cond.getStatus())),
            30,
            TimeUnit.SECONDS);
  }
}
