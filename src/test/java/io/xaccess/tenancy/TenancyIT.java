package io.xaccess.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.lifetime.DeployedStacks;
import io.xaccess.testing.AwsTestAccounts;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.OperatorTestEnvironment;
import io.xaccess.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * The operator enforces tenancy itself, on a cluster with no policy but the test's own (fail
 * closed): a grant no policy permits makes no AWS call (counted by the operator's own
 * xaccess_aws_calls_total, the only grants on this cluster being the test's) and is Stalled
 * NotPermitted; a policy created, loosened or a namespace labelled wakes it within seconds, with no
 * change to the grant; a tightened policy stops a deployed grant, whose deletion still removes it,
 * and whose end still closes it in AWS (closing only narrows access).
 */
class TenancyIT {

  private static final Duration SOON = Duration.ofSeconds(30);

  private static TestCluster cluster;
  private static OperatorProcess operator;
  private static KubernetesClient client;
  private static Grants grants;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(TestCluster.Options.DEFAULT.withoutOpenPolicy());
    client = cluster.client();
    grants = cluster.grants().within(Duration.ofMinutes(2));
    Path log = Files.createTempFile("xaccess-operator-tenancy", ".log");
    // A short resync: a refused grant is looked at again and again, and still calls nothing.
    operator =
        OperatorProcess.start(
            cluster.kube().kubeConfigFile(),
            cluster.awsEndpoint(),
            log,
            Map.of("XACCESS_RESYNC_INTERVAL", "2s"));
    operator.managementUri(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aRefusedGrantCallsNothingAndResumesWhenAPolicyPermitsIt() throws Exception {
    String ns = cluster.namespace("tenant-wait");
    apply(GrantYaml.of(ns, "waits").render());

    CrossAccountAccess refused =
        grants.awaitCondition(ns, "waits", "Stalled", "True", "NotPermitted");
    assertThat(Grants.message(refused, "Ready"))
        .contains("no CrossAccountAccessPolicy selects namespace tenant-wait")
        .contains("fail closed")
        .contains("no AWS call is made");
    assertThat(refused.getStatus().getPermittedBy()).isNull();
    assertThat(refused.getStatus().getProduction()).isNull();
    double before = awsCalls();
    Thread.sleep(6_000); // three resyncs of the refused grant
    assertThat(awsCalls()).as("AWS calls while no policy permits the grant").isEqualTo(before);

    Instant created = Instant.now();
    apply(policy("tenant-wait", "names: [tenant-wait]", "xaccess-it-*"));
    CrossAccountAccess ready = grants.awaitReady(ns, "waits");

    assertThat(ready.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(ready.getStatus().getPermittedBy()).isEqualTo("tenant-wait");
    assertThat(Duration.between(created, Instant.now())).isLessThan(Duration.ofMinutes(1));
    deleteAndAwaitGone(ns, "waits");
  }

  @Test
  void aTightenedPolicyStopsADeployedGrantAndLooseningItBringsItBack() throws Exception {
    String ns = cluster.namespace("tenant-tighten");
    apply(policy("tenant-tighten", "names: [tenant-tighten]", "xaccess-it-*"));
    apply(GrantYaml.of(ns, "tightened").render());
    CrossAccountAccess ready = grants.awaitReady(ns, "tightened");
    assertThat(ready.getStatus().getPermittedBy()).isEqualTo("tenant-tighten");

    // The platform team narrows the bucket names: the deployed grant is no longer permitted.
    apply(policy("tenant-tighten", "names: [tenant-tighten]", "acme-only-*"));
    CrossAccountAccess stopped =
        grants.within(SOON).awaitCondition(ns, "tightened", "Stalled", "True", "NotPermitted");
    assertThat(Grants.message(stopped, "Stalled"))
        .contains("policy tenant-tighten: spec.bucket.name xaccess-it-tightened")
        .contains("matches none of buckets.names [acme-only-*]")
        .contains("not updated and not verified again");
    assertThat(stopped.getStatus().getProduction().getStackId()).isNotNull();
    double before = awsCalls();
    Thread.sleep(6_000);
    assertThat(awsCalls()).as("AWS calls for a grant no longer permitted").isEqualTo(before);

    // Loosened again: Ready, with no change to the grant itself.
    apply(policy("tenant-tighten", "names: [tenant-tighten]", "xaccess-it-*"));
    CrossAccountAccess back = grants.within(SOON).awaitReady(ns, "tightened");
    assertThat(back.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(Grants.isTrue(back, "AccessVerified")).isTrue();
    deleteAndAwaitGone(ns, "tightened");
  }

  @Test
  void aDeployedGrantATightenedPolicyNoLongerPermitsIsStillClosedAtItsEnd() throws Exception {
    String ns = cluster.namespace("tenant-expiry");
    apply(policy("tenant-expiry", "names: [tenant-expiry]", "xaccess-it-*"));
    apply(GrantYaml.of(ns, "ending").spec("  ttl: 20s\n").render());
    CrossAccountAccess ready = grants.awaitReady(ns, "ending");
    Instant expiresAt = Instant.parse(ready.getStatus().getExpiresAt());
    DeployedStacks before = deployed(ns, "ending");

    apply(policy("tenant-expiry", "names: [tenant-expiry]", "acme-only-*"));
    CrossAccountAccess stopped =
        grants.within(SOON).awaitCondition(ns, "ending", "Stalled", "True", "NotPermitted");
    assertThat(Instant.now()).as("no longer permitted before the end").isBefore(expiresAt);
    assertThat(Grants.message(stopped, "Stalled"))
        .contains("its end (spec.expiresAt, spec.ttl) still closes it");

    // The end, with no policy permitting the grant: closed all the same.
    CrossAccountAccess closed =
        grants.await(
            ns,
            "ending",
            g ->
                g.getStatus().getSessionsRevokedBefore() != null
                    && "Expired".equals(Grants.reason(g, "AccessVerified")));
    Instant closedAt = Instant.parse(closed.getStatus().getClosedAt());
    assertThat(closedAt).isAfterOrEqualTo(expiresAt);
    assertThat(closed.getStatus().getSessionsRevokedBefore()).isEqualTo(closedAt.toString());
    assertThat(Grants.reason(closed, "Stalled")).isEqualTo("NotPermitted");
    assertThat(closed.getStatus().getPermittedBy()).isNull();

    // In AWS, read from moto: closed, and nothing else of the stacks changed.
    DeployedStacks after = deployed(ns, "ending");
    after.assertClosed(closedAt.toString());
    assertThat(allBut(after.production())).isEqualTo(allBut(before.production()));
    assertThat(allBut(after.development())).isEqualTo(allBut(before.development()));
    deleteAndAwaitGone(ns, "ending");
  }

  @Test
  void labellingANamespaceSelectsItAndDeletionOfARefusedGrantStillRemovesItsStacks()
      throws Exception {
    String ns = cluster.namespace("tenant-label");
    apply(
        policy(
            "tenant-label", "selector: {matchLabels: {xaccess.io/tenant: blue}}", "xaccess-it-*"));
    apply(GrantYaml.of(ns, "labelled").render());
    grants.awaitCondition(ns, "labelled", "Stalled", "True", "NotPermitted");

    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(ns)
                .addToLabels("xaccess.io/tenant", "blue")
                .endMetadata()
                .build())
        .serverSideApply();
    CrossAccountAccess ready = grants.within(Duration.ofMinutes(2)).awaitReady(ns, "labelled");
    String productionStack = ready.getStatus().getProduction().getStackName();

    // The label goes: not permitted any more, and its deletion removes what it created.
    client
        .namespaces()
        .withName(ns)
        .edit(
            n -> {
              n.getMetadata().getLabels().remove("xaccess.io/tenant");
              return n;
            });
    grants.within(SOON).awaitCondition(ns, "labelled", "Stalled", "True", "NotPermitted");
    deleteAndAwaitGone(ns, "labelled");
    try (AwsTestAccounts accounts = AwsTestAccounts.open(cluster.moto())) {
      assertThat(
              OperatorTestEnvironment.stackExists(
                  accounts.production().cloudFormation(Region.AP_SOUTHEAST_2), productionStack))
          .as("production stack %s after deletion", productionStack)
          .isFalse();
    }
  }

  /**
   * Each test removes its grants, so the AWS calls counted in another test are that test's alone (a
   * Ready grant is resynced, and calls AWS, every 2 s here).
   */
  private static void deleteAndAwaitGone(String ns, String name) {
    client.resources(CrossAccountAccess.class).inNamespace(ns).withName(name).delete();
    grants.awaitGone(ns, name);
  }

  private static String policy(String name, String namespaces, String bucketPattern) {
    return "apiVersion: xaccess.io/v1alpha1\n"
        + "kind: CrossAccountAccessPolicy\n"
        + "metadata: {name: "
        + name
        + "}\n"
        + "spec:\n"
        + "  namespaces: {"
        + namespaces
        + "}\n"
        + "  production: [{accountId: \"111111111111\"}]\n"
        + "  development: [{accountId: \"222222222222\"}]\n"
        + "  buckets: {names: [\""
        + bucketPattern
        + "\"]}\n"
        + "  roleNames: [DevToProd*]\n";
  }

  private static void apply(String yaml) {
    Path file;
    try {
      file = Files.createTempFile("xaccess-tenancy", ".yaml");
      Files.writeString(file, yaml);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    cluster.kubectl().succeed("apply", "-f", file.toString());
  }

  /** The grant's stacks as moto holds them. */
  private static DeployedStacks deployed(String ns, String name) throws Exception {
    try (AwsTestAccounts accounts = AwsTestAccounts.open(cluster.moto())) {
      return DeployedStacks.read(
          accounts.production().cloudFormation(Region.AP_SOUTHEAST_2),
          accounts.development().cloudFormation(Region.US_EAST_1),
          ns,
          name);
    }
  }

  /** Stack parameters but the two a grant no policy permits still has changed. */
  private static Map<String, String> allBut(Map<String, String> parameters) {
    Map<String, String> rest = new java.util.HashMap<>(parameters);
    rest.remove("AccessOpen");
    rest.remove("RevokeSessionsBefore");
    return rest;
  }

  /** Every AWS call the operator has made, by its own count. */
  private static double awsCalls() throws Exception {
    URI uri = operator.managementUri(Duration.ofSeconds(60)).resolve("/q/metrics");
    String text =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    return text.lines()
        .filter(l -> l.startsWith("xaccess_aws_calls_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
