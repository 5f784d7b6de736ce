package io.xaccess.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.testing.Helm;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.XaccessCrd;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tenancy at admission, on a real kube-apiserver: the packaged operator serves the webhook over
 * HTTPS (a certificate made here with the JDK's keytool) and the API server calls it through the
 * chart's own ValidatingWebhookConfiguration — its rules and matchConditions as shipped, only the
 * Service swapped for the operator's URL. One API server and one operator for the class; each case
 * has namespaces and policies of its own. Each refusal must name the policy and the broken rule.
 *
 * <p>The operator reconciles no namespace here (its watched namespace does not exist): what the
 * operator would write (finalizers, status) the test writes itself, as the operator's writes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenancyAdmissionIT {

  private static final ResourceDefinitionContext GRANTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("xaccess.io")
          .withVersion("v1alpha1")
          .withKind("CrossAccountAccess")
          .withPlural("crossaccountaccesses")
          .withNamespaced(true)
          .build();

  private static final ResourceDefinitionContext POLICIES =
      new ResourceDefinitionContext.Builder()
          .withGroup("xaccess.io")
          .withVersion("v1alpha1")
          .withKind("CrossAccountAccessPolicy")
          .withPlural("crossaccountaccesspolicies")
          .withNamespaced(false)
          .build();

  /** How long a policy or label change may take to reach the webhook's informers. */
  private static final Duration PROPAGATION = Duration.ofSeconds(20);

  private static LocalKubeApiServer kube;
  private static KubernetesClient client;
  private static OperatorProcess operator;

  /** The API server's own watches of namespaces (its admission plugins keep an informer). */
  private static long namespaceWatchesBeforeTheOperator;

  @BeforeAll
  static void startTheWebhook() throws Exception {
    kube = LocalKubeApiServer.startNew();
    client = kube.newClient();
    XaccessCrd.installCrds(client);
    namespaceWatchesBeforeTheOperator = openWatches("namespaces");

    Path work = Files.createTempDirectory("xaccess-admission");
    Path crt = work.resolve("tls.crt");
    Path key = work.resolve("tls.key");
    selfSignedCertificate(work, crt, key);
    int port = freePort();

    Map<String, String> env =
        new LinkedHashMap<>(OperatorProcess.environment(URI.create("http://127.0.0.1:9")));
    env.put("XACCESS_ADMISSION_ENABLED", "true");
    env.put("QUARKUS_HTTP_SSL_PORT", String.valueOf(port));
    env.put("QUARKUS_HTTP_INSECURE_REQUESTS", "disabled");
    env.put("QUARKUS_HTTP_SSL_CERTIFICATE_FILES", crt.toString());
    env.put("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES", key.toString());
    // No grant here is reconciled: the webhook is the subject.
    env.put("QUARKUS_OPERATOR_SDK_CONTROLLERS_CROSSACCOUNTACCESS_NAMESPACES", "xaccess-none");
    operator =
        OperatorProcess.start(
            kube.kubeConfigFile(),
            URI.create("http://127.0.0.1:9"),
            work.resolve("operator.log"),
            env);

    // The chart's webhook configuration as shipped, pointed at this operator.
    String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(crt));
    ValidatingWebhookConfiguration webhook =
        Helm.template(
                "admission.existingSecret.name=xaccess-admission-tls",
                "admission.existingSecret.caBundle=" + caBundle)
            .stream()
            .filter(ValidatingWebhookConfiguration.class::isInstance)
            .map(ValidatingWebhookConfiguration.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(webhook.getWebhooks()).singleElement();
    WebhookClientConfig clientConfig = webhook.getWebhooks().get(0).getClientConfig();
    assertThat(clientConfig.getService().getPath()).isEqualTo(TenancyReview.PATH);
    clientConfig.setService(null);
    clientConfig.setUrl("https://127.0.0.1:" + port + TenancyReview.PATH);
    client.resource(webhook).create();

    // Answered by the webhook (not by its absence) once this refusal names the namespace.
    namespace("adm-probe");
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(operator.isAlive()).as("the operator runs").isTrue();
              assertThat(refusal("adm-probe", grant("adm-probe")))
                  .contains("no CrossAccountAccessPolicy selects namespace adm-probe");
            });
  }

  @AfterAll
  static void stop() throws IOException {
    if (operator != null) {
      operator.close();
      System.out.println(
          "operator log (refusals):\n"
              + Files.readString(operator.log())
                  .lines()
                  .filter(l -> l.contains("admission"))
                  .limit(80)
                  .reduce("", (a, b) -> a + b + "\n"));
    }
    if (client != null) {
      client.close();
    }
    if (kube != null) {
      kube.stop();
    }
  }

  // --- the cases: one policy, one grant, one rule broken (or none)

  /**
   * The base policy of namespace NS: permits the base grant, and says something about every rule
   * the cases break.
   */
  private static final String BASE_POLICY =
      """
      namespaces: {names: [NS]}
      production:
        - {accountId: "111111111111", deployerRoleArn: "arn:aws:iam::111111111111:role/xaccess-deployer-NS"}
      development: [{accountId: "222222222222"}]
      buckets: {names: [acme-NS-*], existing: [shared-NS]}
      roleNames: [DevToProd*]
      actions: [s3:GetObject, s3:PutObject, s3:ListBucket]
      maxSessionDuration: 1h
      maxRoleSessionDuration: 2h
      """;

  /** Ends relative to when the cases run; the webhook bounds expiresAt from creation. */
  private static final String IN_24_HOURS =
      java.time.Instant.now().plus(Duration.ofHours(24)).truncatedTo(ChronoUnit.SECONDS).toString();

  private static final String IN_49_HOURS =
      java.time.Instant.now().plus(Duration.ofHours(49)).truncatedTo(ChronoUnit.SECONDS).toString();

  static Stream<Arguments> cases() {
    return Stream.of(
        admitted("the base grant", "{}", "{}"),
        refused(
            "a production account the policy does not list",
            "{}",
            "{production: {accountId: '333333333333', region: us-east-1}}",
            "spec.production.accountId 333333333333 is not in the policy's production[].accountId"),
        refused(
            "a development account the policy does not list",
            "{}",
            "{development: {accountId: '444444444444', region: us-east-1}}",
            "spec.development.accountId 444444444444 is not in the policy's development[].accountId"),
        refused(
            "another deployer role than the policy's",
            "{}",
            "{production: {accountId: '111111111111', region: us-east-1, credentials: {roleArn:"
                + " 'arn:aws:iam::111111111111:role/xaccess-deployer-other'}}}",
            "spec.production.credentials.roleArn"
                + " arn:aws:iam::111111111111:role/xaccess-deployer-other is not the deployer role",
            "production[].deployerRoleArn"),
        admitted(
            "the policy's own deployer role, named",
            "{}",
            "{production: {accountId: '111111111111', region: us-east-1, credentials: {roleArn:"
                + " 'arn:aws:iam::111111111111:role/xaccess-deployer-NS'}}}"),
        refused(
            "static keys for an account whose deployer the policy sets",
            "{}",
            "{production: {accountId: '111111111111', region: us-east-1, credentials: {secretRef:"
                + " {name: keys}}}}",
            "spec.production.credentials.secretRef: static keys are not allowed"),
        refused(
            "static keys without allow.staticCredentials",
            "{}",
            "{development: {accountId: '222222222222', region: us-east-1, credentials: {secretRef:"
                + " {name: keys}}}}",
            "spec.development.credentials.secretRef: static keys need allow.staticCredentials:"
                + " true"),
        admitted(
            "static keys with allow.staticCredentials",
            "{allow: {staticCredentials: true}}",
            "{development: {accountId: '222222222222', region: us-east-1, credentials: {secretRef:"
                + " {name: keys}}}}"),
        refused(
            "a bucket name outside the patterns",
            "{}",
            "{bucket: {name: other-bucket}}",
            "spec.bucket.name other-bucket (a bucket to create) matches none of buckets.names"
                + " [acme-NS-*]"),
        admitted(
            "an existing bucket the policy lists",
            "{}",
            "{bucket: {name: shared-NS, create: false, encryption: S3}}"),
        refused(
            "an existing bucket the policy does not list",
            "{}",
            "{bucket: {name: acme-NS-data, create: false, encryption: S3}}",
            "spec.bucket.name acme-NS-data (an existing bucket, create: false) matches none of"
                + " buckets.existing [shared-NS]"),
        refused(
            "existing buckets when the policy lists none",
            "{buckets: {names: [acme-NS-*], existing: null}}",
            "{bucket: {name: shared-NS, create: false, encryption: S3}}",
            "matches none of buckets.existing []"),
        refused(
            "a role name outside the patterns",
            "{}",
            "{role: {name: AdminAccess}}",
            "spec.role.name AdminAccess matches none of roleNames [DevToProd*]"),
        refused(
            "an action the policy does not allow",
            "{}",
            "{role: {actions: ['s3:GetObject', 's3:DeleteObject']}}",
            "spec.role.actions [s3:DeleteObject] not in actions"),
        refused(
            "default actions beyond the policy's",
            "{actions: ['s3:GetObject']}",
            "{}",
            "(the default actions) not in actions [s3:GetObject]"),
        refused(
            "a session longer than the policy's",
            "{}",
            "{sessionDuration: 2h, role: {maxSessionDuration: 2h}}",
            "spec.sessionDuration 2h is longer than maxSessionDuration 1h"),
        refused(
            "a role session limit longer than the policy's",
            "{}",
            "{role: {maxSessionDuration: 4h}}",
            "spec.role.maxSessionDuration 4h is longer than maxRoleSessionDuration 2h"),
        refused(
            "no external id where the policy requires one",
            "{requiredTrust: {externalId: true}}",
            "{}",
            "spec.trust.externalIdSecretRef (or externalId) is required by"
                + " requiredTrust.externalId"),
        admitted(
            "the required external id from a Secret",
            "{requiredTrust: {externalId: true}}",
            "{trust: {externalIdSecretRef: {name: grant-external-id, key: value}}}"),
        refused(
            "another organization than the required one",
            "{requiredTrust: {organizationId: o-aaaaaaaaaa}}",
            "{trust: {organizationId: o-bbbbbbbbbb}}",
            "spec.trust.organizationId must be o-aaaaaaaaaa (requiredTrust.organizationId), not"
                + " o-bbbbbbbbbb"),
        refused(
            "no organization where the policy requires one",
            "{requiredTrust: {organizationId: o-aaaaaaaaaa}}",
            "{}",
            "spec.trust.organizationId must be o-aaaaaaaaaa (requiredTrust.organizationId)"),
        refused(
            "no MFA where the policy requires it",
            "{requiredTrust: {mfa: true}}",
            "{trust: {requireMfa: false}}",
            "spec.trust.requireMfa must be true (requiredTrust.mfa)"),
        admitted(
            "every required trust condition present",
            "{requiredTrust: {externalId: true, organizationId: o-aaaaaaaaaa, mfa: true}}",
            "{trust: {externalId: abcdef-123456, organizationId: o-aaaaaaaaaa, requireMfa:"
                + " true}}"),
        refused(
            "deletionPolicy Orphan without allow.orphan",
            "{}",
            "{deletionPolicy: Orphan}",
            "spec.deletionPolicy Orphan needs allow.orphan: true"),
        admitted(
            "deletionPolicy Orphan with allow.orphan",
            "{allow: {orphan: true}}",
            "{deletionPolicy: Orphan}"),
        refused(
            "bucket.deletionPolicy Delete without allow.bucketDelete",
            "{}",
            "{bucket: {name: acme-NS-data, deletionPolicy: Delete}}",
            "spec.bucket.deletionPolicy Delete needs allow.bucketDelete: true"),
        refused(
            "a grant without an end where the policy sets maxGrantLifetime",
            "{maxGrantLifetime: 48h}",
            "{}",
            "spec.ttl or spec.expiresAt is required by maxGrantLifetime 48h"),
        refused(
            "a ttl longer than maxGrantLifetime",
            "{maxGrantLifetime: 48h}",
            "{ttl: 72h}",
            "spec.ttl 72h is longer than maxGrantLifetime 48h"),
        refused(
            "an expiresAt later than maxGrantLifetime after creation",
            "{maxGrantLifetime: 48h}",
            "{expiresAt: '" + IN_49_HOURS + "'}",
            "spec.expiresAt "
                + IN_49_HOURS
                + " is later than maxGrantLifetime 48h after the"
                + " grant's creation"),
        admitted("a ttl of exactly maxGrantLifetime", "{maxGrantLifetime: 48h}", "{ttl: 48h}"),
        admitted(
            "an expiresAt within maxGrantLifetime after creation",
            "{maxGrantLifetime: 48h}",
            "{expiresAt: '" + IN_24_HOURS + "'}"),
        refused(
            "every broken rule at once, each named",
            "{}",
            "{bucket: {name: other-bucket}, role: {name: AdminAccess}, deletionPolicy: Orphan}",
            "spec.bucket.name other-bucket",
            "spec.role.name AdminAccess",
            "spec.deletionPolicy Orphan"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachRuleIsEnforcedAtAdmission(
      String description, String policyOverride, String specOverride, List<String> expected) {
    String ns = namespace("adm-" + Integer.toHexString(description.hashCode() & 0xfffffff));
    policy("p-" + ns, merge(BASE_POLICY.replace("NS", ns), policyOverride.replace("NS", ns)));
    GenericKubernetesResource grant = grant(ns, specOverride.replace("NS", ns));

    if (expected.isEmpty()) {
      awaitAdmitted(ns, grant);
    } else {
      List<String> fragments = new ArrayList<>(List.of("policy p-" + ns + ": "));
      expected.forEach(e -> fragments.add(e.replace("NS", ns)));
      awaitRefused(ns, grant, fragments.toArray(String[]::new));
    }
  }

  @Test
  void theReleaseAnnotationNeedsAllowReleaseFinalizer() {
    String ns = namespace("adm-release");
    policy("p-" + ns, BASE_POLICY.replace("NS", ns));
    GenericKubernetesResource grant = grant(ns);
    grant.getMetadata().setAnnotations(Map.of("xaccess.io/release-finalizer", "true"));

    awaitRefused(
        ns,
        grant,
        "policy p-" + ns,
        "metadata.annotations[xaccess.io/release-finalizer] needs allow.releaseFinalizer: true");

    // Added later by an UPDATE, too (matchConditions send a change of that annotation).
    GenericKubernetesResource created = create(ns, grant(ns));
    created.getMetadata().setAnnotations(Map.of("xaccess.io/release-finalizer", "true"));
    assertThat(refusalOf(() -> client.resource(created).update()))
        .contains("needs allow.releaseFinalizer: true");

    policy("p-" + ns, merge(BASE_POLICY.replace("NS", ns), "{allow: {releaseFinalizer: true}}"));
    await()
        .atMost(PROPAGATION)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        edit(
                            ns,
                            created.getMetadata().getName(),
                            g ->
                                g.getMetadata()
                                    .setAnnotations(
                                        Map.of("xaccess.io/release-finalizer", "true"))))
                    .isNotNull());
  }

  // --- one view of tenancy per process

  /**
   * The webhook and the leader's reconciler decide from the same two informers: with the controller
   * started (its tenancy event sources listen by then), the API server serves exactly one watch of
   * policies and one of namespaces — its own count of open watches, read from its metrics. Two
   * watches each would mean a second copy of every policy and namespace in memory.
   */
  @Test
  void theWebhookAndTheReconcilerShareOneWatchOfPoliciesAndOneOfNamespaces() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                Files.readString(operator.log())
                    .contains("'crossaccountaccess' controller started"));
    assertThat(openWatches("crossaccountaccesspolicies")).isEqualTo(1);
    assertThat(openWatches("namespaces")).isEqualTo(namespaceWatchesBeforeTheOperator + 1);
  }

  /** The API server's gauge of open WATCH requests on {@code resource} (all scopes and groups). */
  private static long openWatches(String resource) {
    String metrics = client.raw("/metrics");
    return metrics
        .lines()
        .filter(l -> l.startsWith("apiserver_longrunning_requests{"))
        .filter(l -> l.contains("resource=\"" + resource + "\""))
        .filter(l -> l.contains("verb=\"WATCH\""))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  // --- selection

  @Test
  @Order(0)
  void withNoPolicyInTheClusterEveryNamespaceIsRefused() {
    assertThat(client.genericKubernetesResources(POLICIES).list().getItems()).isEmpty();
    String ns = namespace("adm-empty");

    awaitRefused(
        ns, grant(ns), "no CrossAccountAccessPolicy selects namespace adm-empty", "(fail closed)");
  }

  @Test
  void aNamespaceNoPolicySelectsIsRefusedWhileOthersAreSelected() {
    String selected = namespace("adm-selected");
    String other = namespace("adm-unselected");
    policy("p-" + selected, BASE_POLICY.replace("NS", selected));
    awaitAdmitted(selected, grant(selected));

    // The same grant, the policy's own bucket name included, from a namespace it does not select.
    GenericKubernetesResource elsewhere =
        grant(other, "{bucket: {name: acme-" + selected + "-data}}");
    awaitRefused(
        other,
        elsewhere,
        "no CrossAccountAccessPolicy selects namespace adm-unselected",
        "(fail closed)");
  }

  @Test
  void selectionByLabelsFollowsTheNamespacesLabels() {
    String ns = namespace("adm-labels", Map.of("xaccess.io/team", "labels"));
    String unlabelled = namespace("adm-labels-no");
    policy(
        "p-" + ns,
        merge(
            BASE_POLICY.replace("NS", ns),
            "{namespaces: {names: null, selector: {matchLabels: {xaccess.io/team: labels}}}}"));

    awaitAdmitted(ns, grant(ns));
    awaitRefused(
        unlabelled,
        grant(unlabelled, "{bucket: {name: acme-" + ns + "-data}}"),
        "no CrossAccountAccessPolicy selects namespace adm-labels-no");

    // The label goes: the namespace is no longer selected; it comes back: selected again.
    client
        .namespaces()
        .withName(ns)
        .edit(
            n -> {
              n.getMetadata().getLabels().remove("xaccess.io/team");
              return n;
            });
    awaitRefused(ns, grant(ns), "no CrossAccountAccessPolicy selects namespace adm-labels");
    client
        .namespaces()
        .withName(unlabelled)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("xaccess.io/team", "labels");
              return n;
            });
    awaitAdmitted(unlabelled, grant(unlabelled, "{bucket: {name: acme-" + ns + "-data}}"));
  }

  @Test
  void twoPoliciesPermitWhatEachPermitsButNeverTheirCombination() {
    String ns = namespace("adm-union");
    // Publishers may create acme-union-* buckets; readers may use the existing shared bucket
    // with reads only. Neither allows a new bucket with the reader's existing-bucket grant...
    policy(
        "p-union-publish",
        merge(BASE_POLICY.replace("NS", ns), "{buckets: {names: [acme-union-*], existing: null}}"));
    policy(
        "p-union-read",
        merge(
            BASE_POLICY.replace("NS", ns),
            "{buckets: {names: null, existing: [shared-union]}, actions: ['s3:GetObject',"
                + " 's3:ListBucket'], maxSessionDuration: 4h, maxRoleSessionDuration: 4h}"));

    // ...so each of these is permitted by a different one of the two.
    awaitAdmitted(ns, grant(ns, "{bucket: {name: acme-union-data}}"));
    awaitAdmitted(
        ns,
        grant(
            ns,
            "{bucket: {name: shared-union, create: false, encryption: S3}, role: {actions:"
                + " ['s3:GetObject'], maxSessionDuration: 4h}, sessionDuration: 4h}"));
    // A long session on a new bucket: publish allows the bucket, read the session; only their
    // combination would permit it, and rules of different policies never combine.
    awaitRefused(
        ns,
        grant(
            ns,
            "{bucket: {name: acme-union-data}, role: {actions: ['s3:GetObject'],"
                + " maxSessionDuration: 4h}, sessionDuration: 4h}"),
        "policy p-union-publish: spec.sessionDuration 4h is longer than maxSessionDuration 1h",
        "policy p-union-read: spec.bucket.name acme-union-data (a bucket to create) matches none"
            + " of buckets.names []");
  }

  // --- updates, the operator's writes, deletion

  @Test
  void anUpdateThatWidensAPermittedGrantIsRefused() {
    String ns = namespace("adm-widen");
    policy("p-" + ns, BASE_POLICY.replace("NS", ns));
    GenericKubernetesResource created = awaitCreated(ns, grant(ns));

    assertThat(
            refusalOf(
                () ->
                    edit(
                        ns,
                        created.getMetadata().getName(),
                        g ->
                            spec(g)
                                .put(
                                    "role",
                                    Map.of(
                                        "actions", List.of("s3:GetObject", "s3:DeleteObject"))))))
        .contains("policy p-" + ns, "spec.role.actions [s3:DeleteObject] not in actions");
    // A change inside the policy is admitted.
    assertThat(
            edit(
                ns,
                created.getMetadata().getName(),
                g -> spec(g).put("role", Map.of("actions", List.of("s3:GetObject")))))
        .isNotNull();
  }

  @Test
  void aRenewalBeyondMaxGrantLifetimeIsRefused() {
    String ns = namespace("adm-renew");
    policy("p-" + ns, merge(BASE_POLICY.replace("NS", ns), "{maxGrantLifetime: 48h}"));
    GenericKubernetesResource created = awaitCreated(ns, grant(ns, "{ttl: 24h}"));
    String name = created.getMetadata().getName();

    assertThat(refusalOf(() -> edit(ns, name, g -> spec(g).put("ttl", "72h"))))
        .contains("policy p-" + ns, "spec.ttl 72h is longer than maxGrantLifetime 48h");
    assertThat(refusalOf(() -> edit(ns, name, g -> spec(g).remove("ttl"))))
        .contains("spec.ttl or spec.expiresAt is required by maxGrantLifetime 48h");
    assertThat(edit(ns, name, g -> spec(g).put("ttl", "48h"))).isNotNull();
  }

  @Test
  void theOperatorsWritesAndDeletionNeverAskTheWebhook() {
    String ns = namespace("adm-writes");
    policy("p-" + ns, BASE_POLICY.replace("NS", ns));
    GenericKubernetesResource created = awaitCreated(ns, grant(ns));
    String name = created.getMetadata().getName();

    // The policy goes: the grant is no longer permitted.
    client.genericKubernetesResources(POLICIES).withName("p-" + ns).delete();
    awaitRefused(ns, grant(ns), "no CrossAccountAccessPolicy selects namespace " + ns);

    // The operator's writes still pass: its finalizer, its status; so do labels.
    edit(ns, name, g -> g.getMetadata().setFinalizers(List.of("xaccess.io/finalizer")));
    GenericKubernetesResource withStatus =
        client.genericKubernetesResources(GRANTS).inNamespace(ns).withName(name).get();
    withStatus.setAdditionalProperty("status", Map.of("phase", "Failed", "observedGeneration", 1));
    client.genericKubernetesResources(GRANTS).inNamespace(ns).resource(withStatus).updateStatus();
    edit(ns, name, g -> g.getMetadata().setLabels(Map.of("team", "writes")));
    // A change of its spec does not.
    assertThat(refusalOf(() -> edit(ns, name, g -> spec(g).put("sessionDuration", "30m"))))
        .contains("no CrossAccountAccessPolicy selects namespace " + ns);

    // Deletion is never refused, nor is the operator's release of its finalizer afterwards.
    client.genericKubernetesResources(GRANTS).inNamespace(ns).withName(name).delete();
    assertThat(
            client
                .genericKubernetesResources(GRANTS)
                .inNamespace(ns)
                .withName(name)
                .get()
                .getMetadata()
                .getDeletionTimestamp())
        .isNotNull();
    edit(ns, name, g -> g.getMetadata().setFinalizers(List.of()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client.genericKubernetesResources(GRANTS).inNamespace(ns).withName(name).get()
                    == null);
  }

  // --- helpers

  private static String namespace(String name) {
    return namespace(name, Map.of());
  }

  private static String namespace(String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .serverSideApply();
    return name;
  }

  private static void policy(String name, String specYaml) {
    GenericKubernetesResource policy = new GenericKubernetesResource();
    policy.setApiVersion("xaccess.io/v1alpha1");
    policy.setKind("CrossAccountAccessPolicy");
    policy.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
    policy.setAdditionalProperty("spec", yaml(specYaml));
    client.genericKubernetesResources(POLICIES).resource(policy).forceConflicts().serverSideApply();
  }

  private static GenericKubernetesResource grant(String ns) {
    return grant(ns, "{}");
  }

  /** The base grant of namespace {@code ns} with the spec fields of {@code specOverride}. */
  private static GenericKubernetesResource grant(String ns, String specOverride) {
    String base =
        """
        production: {accountId: "111111111111", region: us-east-1}
        development: {accountId: "222222222222", region: us-east-1}
        bucket: {name: acme-NS-data}
        """
            .replace("NS", ns);
    GenericKubernetesResource grant = new GenericKubernetesResource();
    grant.setApiVersion("xaccess.io/v1alpha1");
    grant.setKind("CrossAccountAccess");
    grant.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("grant")
            .withNamespace(ns)
            .build());
    grant.setAdditionalProperty("spec", yaml(merge(base, specOverride)));
    return grant;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
      new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

  /** YAML (flow style included: Serialization would take "{...}" for JSON) as a map. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String text) {
    try {
      return YAML.readValue(text, Map.class);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code override}'s keys replace {@code base}'s at the top level; a null removes one. */
  @SuppressWarnings("unchecked")
  private static String merge(String base, String override) {
    Map<String, Object> merged = new LinkedHashMap<>(yaml(base));
    Map<String, Object> changes = yaml(override);
    changes.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?> inner && merged.get(k) instanceof Map<?, ?> existing) {
            Map<String, Object> nested = new LinkedHashMap<>((Map<String, Object>) existing);
            ((Map<String, Object>) inner)
                .forEach(
                    (ik, iv) -> {
                      if (iv == null) nested.remove(ik);
                      else nested.put(ik, iv);
                    });
            merged.put(k, nested);
          } else if (v == null) {
            merged.remove(k);
          } else {
            merged.put(k, v);
          }
        });
    return Serialization.asYaml(merged);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource grant) {
    Map<String, Object> spec =
        new LinkedHashMap<>((Map<String, Object>) grant.getAdditionalProperties().get("spec"));
    grant.setAdditionalProperty("spec", spec);
    return spec;
  }

  private static GenericKubernetesResource edit(
      String ns, String name, java.util.function.Consumer<GenericKubernetesResource> change) {
    return client
        .genericKubernetesResources(GRANTS)
        .inNamespace(ns)
        .withName(name)
        .edit(
            g -> {
              change.accept(g);
              return g;
            });
  }

  private static GenericKubernetesResource create(String ns, GenericKubernetesResource grant) {
    return client.genericKubernetesResources(GRANTS).inNamespace(ns).resource(grant).create();
  }

  /** A server-side dry run: the whole admission chain, webhooks included, and nothing stored. */
  private static void dryRunCreate(String ns, GenericKubernetesResource grant) {
    client.genericKubernetesResources(GRANTS).inNamespace(ns).resource(grant).dryRun().create();
  }

  private static String refusal(String ns, GenericKubernetesResource grant) {
    return refusalOf(() -> dryRunCreate(ns, grant));
  }

  private static String refusalOf(Runnable call) {
    KubernetesClientException refused =
        catchThrowableOfType(KubernetesClientException.class, call::run);
    assertThat(refused).as("refused at admission").isNotNull();
    assertThat(refused.getCode()).isEqualTo(403);
    assertThat(refused.getMessage()).contains("admission webhook \"tenancy.xaccess.io\" denied");
    return refused.getMessage();
  }

  /** Policies and labels reach the webhook's informers within moments: the answer is awaited. */
  private static void awaitRefused(
      String ns, GenericKubernetesResource grant, String... fragments) {
    await()
        .atMost(PROPAGATION)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(refusal(ns, grant)).contains(fragments));
  }

  private static void awaitAdmitted(String ns, GenericKubernetesResource grant) {
    await()
        .atMost(PROPAGATION)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> dryRunCreate(ns, grant));
  }

  private static GenericKubernetesResource awaitCreated(
      String ns, GenericKubernetesResource grant) {
    awaitAdmitted(ns, grant);
    return create(ns, grant);
  }

  /** A self-signed certificate for 127.0.0.1 (its own CA), as PEM files, made by keytool. */
  private static void selfSignedCertificate(Path work, Path crt, Path key) throws Exception {
    Path store = work.resolve("webhook.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process made =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                "webhook",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("keytool.log").toFile())
            .start();
    assertThat(made.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && made.exitValue() == 0)
        .as(Files.readString(work.resolve("keytool.log")))
        .isTrue();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, "changeit".toCharArray());
    }
    PrivateKey privateKey = (PrivateKey) keyStore.getKey("webhook", "changeit".toCharArray());
    Files.writeString(crt, pem("CERTIFICATE", keyStore.getCertificate("webhook").getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Arguments admitted(String description, String policy, String spec) {
    return Arguments.of(description, policy, spec, List.of());
  }

  private static Arguments refused(
      String description, String policy, String spec, String... expected) {
    return Arguments.of(description, policy, spec, List.of(expected));
  }
}
