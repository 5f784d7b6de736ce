package io.xaccess.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * deploy/ asks cert-manager for the tenancy webhook's certificate. Tests that apply deploy/ to a
 * bare API server and run the operator outside it install these stand-in CRDs first, and then
 * remove the webhook configuration: no pod backs its Service here (TenancyAdmissionIT tests the
 * webhook, pointed at the operator process).
 */
public final class CertManagerStandIn {

  /** The webhook configuration deploy/ installs. */
  public static final String DEPLOY_WEBHOOK = "xaccess-operator-tenancy";

  private CertManagerStandIn() {}

  /** Issuer and Certificate CRDs without a controller, established. */
  public static void installCrds(KubernetesClient client) {
    try (InputStream in =
        CertManagerStandIn.class.getResourceAsStream("/cert-manager/stand-in-crds.yaml")) {
      for (HasMetadata crd : client.load(in).items()) {
        client.resource(crd).forceConflicts().serverSideApply();
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(crd.getMetadata().getName())
            .waitUntilCondition(CertManagerStandIn::established, 30, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes deploy/'s webhook configuration, so grants are admitted without it. */
  public static void removeDeployWebhook(KubernetesClient client) {
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName(DEPLOY_WEBHOOK)
        .withTimeout(30, TimeUnit.SECONDS)
        .delete();
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
