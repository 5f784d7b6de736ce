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

  /** Server-side applies the CRD and waits until the API server serves it. */
  public static void install(KubernetesClient client) {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(FILE)) {
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
