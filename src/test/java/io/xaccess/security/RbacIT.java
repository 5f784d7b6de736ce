package io.xaccess.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.e2e.EndToEndScenario;
import io.xaccess.testing.CertManagerStandIn;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.TestCluster;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's RBAC (deploy/operator.yaml, rendered from the Helm chart) is least privilege, and
 * enough: after {@code kubectl apply -k deploy/}, the packaged operator, authenticated as its
 * ServiceAccount with exactly those rights, takes a grant to Ready and deletes it on a real API
 * server.
 */
class RbacIT {

  private static final Path RBAC = Path.of("deploy", "operator.yaml");

  /** The operator's ClusterRole in deploy/ (the release's full name). */
  private static final String OPERATOR = "xaccess-operator";

  @Test
  void rulesHaveNoWildcardsAndSecretsAreReadOnlyByName() throws Exception {
    List<PolicyRule> rules = new java.util.ArrayList<>(clusterRole().getRules());
    // The namespaced Role: only the Lease for leader election.
    List<PolicyRule> namespaced = namespacedRole().getRules();
    assertThat(namespaced).flatExtracting(PolicyRule::getResources).containsOnly("leases");
    rules.addAll(namespaced);

    assertThat(rules).isNotEmpty();
    for (PolicyRule rule : rules) {
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
      if (rule.getResources().contains("secrets")) {
        assertThat(rule.getVerbs()).containsExactly("get");
      }
      // Tenancy is read-only: the operator can neither write a policy nor label a namespace.
      if (rule.getResources().contains("crossaccountaccesspolicies")
          || rule.getResources().contains("namespaces")) {
        assertThat(rule.getVerbs()).containsExactly("list", "watch");
      }
      assertThat(rule.getVerbs())
          .doesNotContain("delete", "deletecollection", "escalate", "bind", "impersonate");
    }
    assertThat(rules)
        .flatExtracting(PolicyRule::getResources)
        .containsOnly(
            "crossaccountaccesses",
            "crossaccountaccesses/status",
            "crossaccountaccesses/finalizers",
            "crossaccountaccesspolicies",
            "namespaces",
            "secrets",
            "events",
            "customresourcedefinitions",
            "leases");
  }

  @Test
  void theOperatorConvergesWithExactlyTheseRights() throws Exception {
    Path log = Files.createTempFile("xaccess-operator-rbac", ".log");
    // The CRD comes with deploy/, as it does for users.
    try (TestCluster cluster = TestCluster.start(TestCluster.Options.DEFAULT.withoutCrd())) {
      LocalKubeApiServer kube = cluster.kube();
      KubernetesClient admin = cluster.client();
      // What a kustomize user runs: CRD, namespace and operator objects in one apply (cert-manager,
      // which deploy/ needs for the webhook's certificate, as stand-in CRDs).
      CertManagerStandIn.installCrds(admin);
      cluster.kubectl().succeed("apply", "-k", "deploy");
      CertManagerStandIn.removeDeployWebhook(admin);
      admin
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName("crossaccountaccesses.xaccess.io")
          .waitUntilCondition(
              crd ->
                  crd.getStatus() != null
                      && crd.getStatus().getConditions().stream()
                          .anyMatch(
                              c ->
                                  c.getType().equals("Established")
                                      && c.getStatus().equals("True")),
              30,
              java.util.concurrent.TimeUnit.SECONDS);

      Path serviceAccount = kube.kubeConfigFor("xaccess-system", "xaccess-operator");
      // The ServiceAccount may not, for instance, list Secrets.
      assertThat(new Kubectl(kube.kubectl(), serviceAccount).run("get", "secrets", "-A").output())
          .contains("forbidden");
      try (OperatorProcess operator =
          OperatorProcess.start(serviceAccount, cluster.awsEndpoint(), log, Map.of())) {
        EndToEndScenario.run(cluster.kubectl(), admin, log);
        assertThat(Files.readString(log)).doesNotContain("is forbidden");
      }
    }
  }

  private static io.fabric8.kubernetes.api.model.rbac.Role namespacedRole() throws Exception {
    try (InputStream in = Files.newInputStream(RBAC);
        KubernetesClient client =
            new io.fabric8.kubernetes.client.KubernetesClientBuilder().build()) {
      return client.load(in).items().stream()
          .filter(io.fabric8.kubernetes.api.model.rbac.Role.class::isInstance)
          .map(io.fabric8.kubernetes.api.model.rbac.Role.class::cast)
          .findFirst()
          .orElseThrow();
    }
  }

  private static ClusterRole clusterRole() throws Exception {
    try (InputStream in = Files.newInputStream(RBAC);
        KubernetesClient client =
            new io.fabric8.kubernetes.client.KubernetesClientBuilder().build()) {
      List<HasMetadata> items = client.load(in).items();
      // By name: the approver ClusterRole (ApprovalAuthorizationIT) is in the same file.
      return items.stream()
          .filter(ClusterRole.class::isInstance)
          .map(ClusterRole.class::cast)
          .filter(r -> r.getMetadata().getName().equals(OPERATOR))
          .findFirst()
          .orElseThrow();
    }
  }
}
