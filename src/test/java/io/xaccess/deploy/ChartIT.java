package io.xaccess.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import io.xaccess.testing.Checkov;
import io.xaccess.testing.Helm;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Helm chart: lint, its schema, what it renders, that deploy/ is its rendering, and — on a real
 * API server — that what it installs runs the packaged operator: its ServiceAccount's RBAC, its
 * environment, its watched namespaces.
 */
class ChartIT {

  @Test
  void lintIsCleanInStrictMode() {
    assertThat(Helm.succeed("lint", "--strict", Helm.CHART.toString()))
        .contains("1 chart(s) linted, 0 chart(s) failed")
        .doesNotContain("[WARNING]", "[ERROR]");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "replicaCount=0                                          | at '/replicaCount'",
        "replicas=2                                              | additional properties 'replicas'",
        "aws.deployerRoleName=arn:aws:iam::111111111111:role/x   | at '/aws/deployerRoleName'",
        "aws.region=Sydney                                       | at '/aws/region'",
        "clusterName=aws:prod                                    | at '/clusterName'",
        "clusterName=prod*                                       | at '/clusterName'",
        "aws.endpointUrl=localhost:5000                          | at '/aws/endpointUrl'",
        "aws.partition=aws-eu                                    | at '/aws/partition'",
        "reconcile.pollInterval=5 seconds                        | at '/reconcile/pollInterval'",
        "watchNamespaces[0]=Team_A                               | at '/watchNamespaces/0'",
        "image.digest=latest                                     | at '/image/digest'",
        "logLevel=verbose                                        | at '/logLevel'",
        "resources.limits.memory=lots                            | at '/resources/limits/memory'",
      })
  void theSchemaRefusesBadValuesNamingTheKey(String set, String expected) {
    Helm.Result result =
        Helm.run("template", "x", Helm.CHART.toString(), "--kube-version", "1.34.0", "--set", set);
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("values don't meet the specifications").contains(expected);
  }

  @Test
  void defaultsAreTwoHardenedReplicasWithProbesAndLimits() {
    List<HasMetadata> objects = Helm.template();
    Deployment deployment = one(objects, Deployment.class);
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getImage()).isEqualTo("ghcr.io/xaccess/xaccess-operator:0.1.0");
    assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(container.getVolumeMounts())
        .extracting("mountPath")
        .containsExactly("/tmp", "/etc/xaccess/admission-tls");
    Map<String, EnvVar> env = env(container.getEnv());
    assertThat(env.get("XACCESS_LEADER_ELECTION_LEASE_NAMESPACE").getValueFrom().getFieldRef())
        .extracting("fieldPath")
        .isEqualTo("metadata.namespace");
    assertThat(env).doesNotContainKeys("AWS_ENDPOINT_URL", namespacesVariable());
    assertThat(env.get("XACCESS_CLUSTER_NAME").getValue()).isEqualTo("default");

    assertThat(one(objects, PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal())
        .isEqualTo(1);
    assertThat(kinds(objects)).doesNotContain("ServiceMonitor");
    // Every namespace: the grant rules sit in the ClusterRole; the only Role is the Lease's.
    assertThat(resources(operatorRole(objects).getRules()))
        .contains("crossaccountaccesses", "secrets");
    assertThat(all(objects, Role.class))
        .singleElement()
        .satisfies(r -> assertThat(resources(r.getRules())).containsOnly("leases"));
  }

  @Test
  void optionsRenderWhatTheySay() {
    List<HasMetadata> objects =
        Helm.template(
            "watchNamespaces={team-a,team-b}",
            "metrics.serviceMonitor.enabled=true",
            "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn="
                + "arn:aws:iam::333333333333:role/xaccess-operator",
            "aws.endpointUrl=http://moto.test:5000",
            "replicaCount=1",
            "image.digest=sha256:" + "a".repeat(64));
    var container = one(objects, Deployment.class).getSpec().getTemplate().getSpec();
    Map<String, EnvVar> env = env(container.getContainers().get(0).getEnv());
    assertThat(env.get(namespacesVariable()).getValue()).isEqualTo("team-a,team-b");
    assertThat(env.get("AWS_ENDPOINT_URL").getValue()).isEqualTo("http://moto.test:5000");
    assertThat(container.getContainers().get(0).getImage())
        .isEqualTo("ghcr.io/xaccess/xaccess-operator@sha256:" + "a".repeat(64));
    assertThat(one(objects, ServiceAccount.class).getMetadata().getAnnotations())
        .containsEntry(
            "eks.amazonaws.com/role-arn", "arn:aws:iam::333333333333:role/xaccess-operator");
    assertThat(kinds(objects)).contains("ServiceMonitor").doesNotContain("PodDisruptionBudget");
    // The emulator's port joins the egress the NetworkPolicy allows.
    assertThat(one(objects, NetworkPolicy.class).getSpec().getEgress())
        .flatExtracting(NetworkPolicyEgressRule::getPorts)
        .extracting(p -> p.getPort().getIntVal())
        .contains(53, 443, 6443, 5000);
    // Watched namespaces: Secrets and grants only there, through Roles; the ClusterRole keeps
    // the CRD check and the read-only tenancy view (policies, namespaces' labels).
    assertThat(resources(operatorRole(objects).getRules()))
        .containsOnly("customresourcedefinitions", "crossaccountaccesspolicies", "namespaces");
    assertThat(operatorRole(objects).getRules())
        .filteredOn(r -> !r.getResources().contains("customresourcedefinitions"))
        .allSatisfy(r -> assertThat(r.getVerbs()).containsExactly("list", "watch"));
    assertThat(all(objects, Role.class))
        .filteredOn(r -> resources(r.getRules()).contains("secrets"))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
  }

  /**
   * The tenancy webhook by default: every replica behind a Service, failurePolicy Fail, only
   * creations and spec or release-annotation changes sent, a certificate Helm generated for the
   * Service's DNS names and signed by the CA in caBundle, mounted and served over HTTPS only.
   */
  @Test
  void admissionIsOnByDefault() throws Exception {
    List<HasMetadata> objects = Helm.template();
    ValidatingWebhookConfiguration configuration =
        one(objects, ValidatingWebhookConfiguration.class);
    ValidatingWebhook webhook = configuration.getWebhooks().get(0);
    assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
    assertThat(webhook.getSideEffects()).isEqualTo("None");
    assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
    assertThat(webhook.getTimeoutSeconds()).isLessThanOrEqualTo(10);
    assertThat(webhook.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResources()).containsExactly("crossaccountaccesses");
              assertThat(r.getOperations()).containsExactly("CREATE", "UPDATE");
            });
    assertThat(webhook.getMatchConditions()).singleElement();
    assertThat(webhook.getNamespaceSelector()).isNull();
    assertThat(webhook.getClientConfig().getService().getName())
        .isEqualTo("xaccess-operator-webhook");
    assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/admission/tenancy");

    Secret tls = one(objects, Secret.class);
    var certificates = java.security.cert.CertificateFactory.getInstance("X.509");
    var ca =
        certificates.generateCertificate(
            new java.io.ByteArrayInputStream(
                java.util.Base64.getDecoder().decode(webhook.getClientConfig().getCaBundle())));
    var served =
        (java.security.cert.X509Certificate)
            certificates.generateCertificate(
                new java.io.ByteArrayInputStream(
                    java.util.Base64.getDecoder().decode(tls.getData().get("tls.crt"))));
    served.verify(ca.getPublicKey());
    assertThat(served.getSubjectAlternativeNames())
        .extracting(n -> (Object) n.get(1))
        .contains("xaccess-operator-webhook.xaccess-system.svc");

    var container = one(objects, Deployment.class).getSpec().getTemplate().getSpec();
    Map<String, EnvVar> env = env(container.getContainers().get(0).getEnv());
    assertThat(env.get("XACCESS_ADMISSION_ENABLED").getValue()).isEqualTo("true");
    assertThat(env.get("QUARKUS_HTTP_INSECURE_REQUESTS").getValue()).isEqualTo("disabled");
    assertThat(container.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .singleElement()
        .satisfies(
            v -> assertThat(v.getSecret().getSecretName()).isEqualTo(tls.getMetadata().getName()));
    assertThat(one(objects, NetworkPolicy.class).getSpec().getIngress())
        .flatExtracting(r -> r.getPorts())
        .extracting(p -> p.getPort().getIntVal())
        .containsExactlyInAnyOrder(9000, 8443);
  }

  @Test
  void admissionTakesItsCertificateFromCertManagerOrANamedSecretOrIsOff() {
    List<HasMetadata> certManager = Helm.template("admission.certManager.enabled=true");
    assertThat(kinds(certManager)).contains("Certificate", "Issuer").doesNotContain("Secret");
    ValidatingWebhookConfiguration injected =
        one(certManager, ValidatingWebhookConfiguration.class);
    assertThat(injected.getMetadata().getAnnotations())
        .containsEntry(
            "cert-manager.io/inject-ca-from", "xaccess-system/xaccess-operator-admission");
    assertThat(injected.getWebhooks().get(0).getClientConfig().getCaBundle()).isNull();

    List<HasMetadata> named =
        Helm.template(
            "admission.existingSecret.name=webhook-tls", "admission.existingSecret.caBundle=Q0E=");
    assertThat(kinds(named)).doesNotContain("Secret", "Certificate");
    assertThat(
            one(named, ValidatingWebhookConfiguration.class)
                .getWebhooks()
                .get(0)
                .getClientConfig()
                .getCaBundle())
        .isEqualTo("Q0E=");
    Helm.Result noCa =
        Helm.run(
            "template",
            "x",
            Helm.CHART.toString(),
            "--kube-version",
            "1.34.0",
            "--set",
            "admission.existingSecret.name=tls");
    assertThat(noCa.exitCode()).isNotZero();
    assertThat(noCa.output()).contains("admission.existingSecret.caBundle");

    // Scoped to the watched namespaces, like the rest of the installation.
    assertThat(
            one(Helm.template("watchNamespaces={team-a}"), ValidatingWebhookConfiguration.class)
                .getWebhooks()
                .get(0)
                .getNamespaceSelector()
                .getMatchExpressions())
        .singleElement()
        .satisfies(e -> assertThat(e.getValues()).containsExactly("team-a"));

    List<HasMetadata> off = Helm.template("admission.enabled=false");
    assertThat(kinds(off)).doesNotContain("ValidatingWebhookConfiguration", "Secret");
    assertThat(
            env(
                one(off, Deployment.class)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getEnv()))
        .doesNotContainKeys("XACCESS_ADMISSION_ENABLED", "QUARKUS_HTTP_SSL_CERTIFICATE_FILES");
  }

  /**
   * Plan approval (docs/approval-rbac.md; ApprovalAuthorizationIT runs it on an API server): by
   * default a ValidatingAdmissionPolicy, failing closed and bound with Deny, asks the authorizer
   * for approve on the grant by name; the approver ClusterRole beside it. No policy with
   * approval.enforce=false or for a cluster older than 1.30 (no such API): only the role remains.
   */
  @Test
  void approvalIsEnforcedByDefaultFromKubernetes130() {
    List<HasMetadata> objects = Helm.template();
    ValidatingAdmissionPolicy policy = one(objects, ValidatingAdmissionPolicy.class);
    assertThat(policy.getSpec().getFailurePolicy()).isEqualTo("Fail");
    assertThat(policy.getSpec().getMatchConstraints().getResourceRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("xaccess.io");
              assertThat(r.getResources()).containsExactly("crossaccountaccesses");
              assertThat(r.getOperations()).containsExactly("CREATE", "UPDATE");
            });
    assertThat(policy.getSpec().getValidations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getExpression())
                  .contains(".name(object.metadata.name)")
                  .contains(".check('approve').allowed()");
              assertThat(v.getReason()).isEqualTo("Forbidden");
            });
    ValidatingAdmissionPolicyBinding binding = one(objects, ValidatingAdmissionPolicyBinding.class);
    assertThat(binding.getSpec().getPolicyName()).isEqualTo(policy.getMetadata().getName());
    assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
    assertThat(binding.getSpec().getMatchResources()).isNull();
    assertThat(named(objects, ClusterRole.class, "xaccess-operator-approver").getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResources()).containsExactly("crossaccountaccesses");
              assertThat(r.getVerbs()).contains("approve").doesNotContain("update", "delete");
            });

    // Scoped to the watched namespaces, like the webhook.
    assertThat(
            one(Helm.template("watchNamespaces={team-a}"), ValidatingAdmissionPolicyBinding.class)
                .getSpec()
                .getMatchResources()
                .getNamespaceSelector()
                .getMatchExpressions())
        .singleElement()
        .satisfies(e -> assertThat(e.getValues()).containsExactly("team-a"));

    List<HasMetadata> off = Helm.template("approval.enforce=false");
    List<HasMetadata> old =
        Helm.parse(
            Helm.succeed(
                "template",
                "xaccess-operator",
                Helm.CHART.toString(),
                "--namespace",
                "xaccess-system",
                "--kube-version",
                "1.29.0"));
    for (List<HasMetadata> unenforced : List.of(off, old)) {
      assertThat(kinds(unenforced))
          .doesNotContain("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
      assertThat(named(unenforced, ClusterRole.class, "xaccess-operator-approver")).isNotNull();
    }
  }

  @Test
  void checkovFindsNothingInTheManifestsAndEverySkipIsJustified() throws Exception {
    Checkov.assertClean("-f", "deploy/operator.yaml", "kubernetes", 50);
  }

  @Test
  void deployManifestsAreTheChartRenderedWithItsDefaults() throws Exception {
    Path out = Files.createTempDirectory("xaccess-manifests");
    ProcessBuilder render =
        new ProcessBuilder("helm/render-manifests.sh", out.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.resolve("render.log").toFile());
    render.environment().put("HELM", Helm.binary().toString());
    assertThat(render.start().waitFor()).as(Files.readString(out.resolve("render.log"))).isZero();
    assertThat(Files.readString(Path.of("deploy", "operator.yaml")))
        .as("deploy/operator.yaml is stale: run `make manifests` and commit it")
        .isEqualTo(Files.readString(out.resolve("operator.yaml")));
    Path argocd = Path.of("deploy", "argocd", "argocd-cm-patch.yaml");
    assertThat(Files.readString(argocd))
        .as("%s is stale: run `make manifests` and commit it", argocd)
        .isEqualTo(Files.readString(out.resolve("argocd/argocd-cm-patch.yaml")));
  }

  /**
   * helm install into a real API server, then the packaged operator runs exactly as the installed
   * Deployment says (its environment, its ServiceAccount's token): a grant in the watched namespace
   * becomes Ready, one elsewhere is never touched; helm uninstall keeps the CRD and the grants.
   */
  @Test
  void theInstalledChartRunsTheOperatorAsItsServiceAccount() throws Exception {
    // The chart installs the CRD, as it does for users.
    Path log = Files.createTempFile("xaccess-operator-chart", ".log");
    try (TestCluster cluster = TestCluster.start(TestCluster.Options.DEFAULT.withoutCrd())) {
      LocalKubeApiServer kube = cluster.kube();
      KubernetesClient client = cluster.client();
      Kubectl kubectl = cluster.kubectl();
      kubectl.succeed("create", "namespace", "team-a");
      kubectl.succeed("create", "namespace", "team-b");
      Helm.succeed(
          "install",
          "xaccess",
          Helm.CHART.toString(),
          "--kubeconfig",
          kube.kubeConfigFile().toString(),
          "--namespace",
          "xaccess",
          "--create-namespace",
          "--set",
          "watchNamespaces={team-a}",
          "--set",
          "aws.endpointUrl=" + cluster.awsEndpoint(),
          "--set",
          "aws.s3PathStyle=true",
          "--set",
          "reconcile.pollInterval=2s",
          // No pod backs the webhook's Service on this bare API server, and the operator runs
          // outside it: TenancyAdmissionIT tests the webhook, admissionIsOnByDefault its objects.
          "--set",
          "admission.enabled=false",
          // The platform team's tenancy policy, created by the chart from values.
          "--set-json",
          "policies=[{\"name\":\"team-a\",\"spec\":{\"namespaces\":{\"names\":[\"team-a\"]},"
              + "\"production\":[{\"accountId\":\"111111111111\"}],"
              + "\"development\":[{\"accountId\":\"222222222222\"}],"
              + "\"buckets\":{\"names\":[\"xaccess-example-*\"]}}}]",
          "--set",
          "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn="
              + "arn:aws:iam::333333333333:role/xaccess-operator");

      assertThat(Helm.succeed("status", "xaccess", "-n", "xaccess", "--kubeconfig", kubeFile(kube)))
          .contains("STATUS: deployed");
      assertThat(
              client
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName("crossaccountaccesses.xaccess.io")
                  .get())
          .isNotNull();
      assertThat(
              client
                  .resources(CrossAccountAccessPolicy.class)
                  .withName("team-a")
                  .get()
                  .getSpec()
                  .getNamespaces()
                  .getNames())
          .containsExactly("team-a");
      Deployment deployment =
          client.apps().deployments().inNamespace("xaccess").withName("xaccess").get();
      assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
      assertThat(
              client
                  .serviceAccounts()
                  .inNamespace("xaccess")
                  .withName("xaccess")
                  .get()
                  .getMetadata()
                  .getAnnotations())
          .containsKey("eks.amazonaws.com/role-arn");
      assertThat(client.rbac().roles().inNamespace("team-a").withName("xaccess").get()).isNotNull();
      assertThat(client.rbac().roles().inNamespace("team-b").list().getItems()).isEmpty();
      assertThat(
              client
                  .policy()
                  .v1()
                  .podDisruptionBudget()
                  .inNamespace("xaccess")
                  .withName("xaccess")
                  .get())
          .isNotNull();
      assertThat(client.services().inNamespace("xaccess").withName("xaccess-metrics").get())
          .isNotNull();

      // The operator as the pod would run: the container's environment, the ServiceAccount's token.
      Map<String, String> env = new HashMap<>();
      for (EnvVar var :
          deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
        env.put(var.getName(), resolve(var, "xaccess", "xaccess-6d4cf56db6-x7k2p"));
      }
      Path serviceAccount = kube.kubeConfigFor("xaccess", "xaccess");
      try (OperatorProcess operator =
          OperatorProcess.start(serviceAccount, cluster.awsEndpoint(), log, env)) {
        kubectl.succeed("apply", "-n", "team-a", "-f", "examples/basic.yaml");
        kubectl.succeed("apply", "-n", "team-b", "-f", "examples/basic.yaml");
        cluster.grants().within(Duration.ofMinutes(2)).awaitReady("team-a", "basic");
        CrossAccountAccess elsewhere =
            client
                .resources(CrossAccountAccess.class)
                .inNamespace("team-b")
                .withName("basic")
                .get();
        assertThat(elsewhere.getStatus()).isNull();
        assertThat(elsewhere.getMetadata().getFinalizers()).isEmpty();
        assertThat(client.leases().inNamespace("xaccess").withName("xaccess-operator").get())
            .extracting(l -> l.getSpec().getHolderIdentity())
            .isEqualTo("xaccess-6d4cf56db6-x7k2p");

        kubectl.succeed("delete", "-n", "team-a", "xaa", "basic", "--timeout=120s");
        assertThat(Files.readString(log)).doesNotContain("forbidden");
      } catch (Throwable failure) {
        System.out.println("operator log:\n" + Files.readString(log));
        throw failure;
      }

      Helm.succeed("uninstall", "xaccess", "-n", "xaccess", "--kubeconfig", kubeFile(kube));
      assertThat(client.apps().deployments().inNamespace("xaccess").withName("xaccess").get())
          .isNull();
      // Helm never deletes a chart's CRDs, so uninstalling cannot cascade to the grants.
      assertThat(
              client
                  .resources(CrossAccountAccess.class)
                  .inNamespace("team-b")
                  .withName("basic")
                  .get())
          .isNotNull();
    }
  }

  private static String kubeFile(LocalKubeApiServer kube) {
    return kube.kubeConfigFile().toString();
  }

  /** The value the kubelet would give: downward-API fields of this pod, or the literal value. */
  private static String resolve(EnvVar var, String namespace, String podName) {
    if (var.getValueFrom() == null) {
      return var.getValue();
    }
    String field = var.getValueFrom().getFieldRef().getFieldPath();
    return switch (field) {
      case "metadata.namespace" -> namespace;
      case "metadata.name" -> podName;
      default -> throw new AssertionError("the test does not resolve " + field);
    };
  }

  private static String namespacesVariable() {
    return "QUARKUS_OPERATOR_SDK_CONTROLLERS_CROSSACCOUNTACCESS_NAMESPACES";
  }

  private static Map<String, EnvVar> env(List<EnvVar> vars) {
    Map<String, EnvVar> env = new HashMap<>();
    vars.forEach(v -> env.put(v.getName(), v));
    return env;
  }

  private static List<String> resources(List<PolicyRule> rules) {
    return rules.stream().flatMap(r -> r.getResources().stream()).toList();
  }

  private static List<String> kinds(List<HasMetadata> objects) {
    return objects.stream().map(HasMetadata::getKind).toList();
  }

  private static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The operator's own ClusterRole (the approver ClusterRole is another). */
  private static ClusterRole operatorRole(List<HasMetadata> objects) {
    return named(objects, ClusterRole.class, "xaccess-operator");
  }

  private static <T extends HasMetadata> T named(
      List<HasMetadata> objects, Class<T> type, String name) {
    List<T> found =
        all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
    assertThat(found).as("%s %s", type.getSimpleName(), name).hasSize(1);
    return found.get(0);
  }

  private static <T> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = all(objects, type);
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }
}
