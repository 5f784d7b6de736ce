package io.xaccess.operator;

import static io.xaccess.testing.OperatorTestEnvironment.developmentCfn;
import static io.xaccess.testing.OperatorTestEnvironment.productionCfn;
import static io.xaccess.testing.OperatorTestEnvironment.stackExists;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.testing.AwsFaultProxy;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorTestEnvironment;
import io.xaccess.testing.XaccessCrd;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What AWS (or a proxy, load balancer or VPC endpoint in front of it) may answer that no template
 * foresees: an HTML 500 page without an error code, and stacks that stay in progress. On a real API
 * server and moto; the inventory is read from moto directly.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class AwsAnswersIT {

  private static final String HTML_500 =
      "<html><head><title>500 Internal Server Error</title></head>"
          + "<body><h1>Internal Server Error</h1></body></html>";

  /** The cluster name OperatorTestEnvironment configures. */
  private static final String CLUSTER = OperatorTestEnvironment.CLUSTER_NAME;

  @Inject KubernetesClient client;

  private final AwsFaultProxy proxy = OperatorTestEnvironment.proxy();

  @Test
  void aCodelessHtml500OnDescribeStacksDuringCreateIsRetriedUntilReady() {
    String ns = XaccessCrd.ensureNamespace(client, "op-html-create");
    String stack = StackNames.production(ns, "html");
    AwsFaultProxy.Answer html = html500(stack);
    proxy.answer(html);
    try {
      create(ns, "html");
      CrossAccountAccess retrying =
          grants()
              .await(
                  ns,
                  "html",
                  g ->
                      "AwsUnavailable".equals(Grants.reason(g, "Reconciling"))
                          && g.getStatus().getRetry() != null);
      assertThat(Grants.message(retrying, "Reconciling"))
          .contains("describe stack " + stack)
          .contains("in account 111111111111")
          .contains("HTTP 500 without an error code");
      assertThat(Grants.condition(retrying, "Stalled").orElseThrow().getStatus())
          .isEqualTo("False");
    } finally {
      proxy.remove(html);
    }
    CrossAccountAccess ready = grants().awaitReady(ns, "html");
    assertThat(ready.getStatus().getRetry()).as("cleared by the first success").isNull();
    assertThat(stackExists(productionCfn(), stack)).isTrue();
  }

  @Test
  void aCodelessHtml500OnDescribeStacksDuringDeleteIsRetriedUntilGone() {
    String ns = XaccessCrd.ensureNamespace(client, "op-html-delete");
    create(ns, "html");
    grants().awaitReady(ns, "html");
    String dev = StackNames.development(ns, "html");
    String prod = StackNames.production(ns, "html");
    AwsFaultProxy.Answer html = html500(dev);
    proxy.answer(html);
    try {
      client.resources(CrossAccountAccess.class).inNamespace(ns).withName("html").delete();
      CrossAccountAccess retrying =
          grants()
              .await(
                  ns,
                  "html",
                  g ->
                      g.isMarkedForDeletion()
                          && "AwsUnavailable".equals(Grants.reason(g, "Reconciling")));
      assertThat(Grants.message(retrying, "Ready")).startsWith("cannot delete yet:");
      assertThat(stackExists(productionCfn(), prod))
          .as("production waits for development")
          .isTrue();
    } finally {
      proxy.remove(html);
    }
    grants().awaitGone(ns, "html");
    assertThat(stackExists(developmentCfn(), dev)).isFalse();
    assertThat(stackExists(productionCfn(), prod)).isFalse();
  }

  @Test
  void aStackHeldInProgressIsReportedAsStuckAndDeletedWithoutWaiting() {
    String ns = XaccessCrd.ensureNamespace(client, "op-stuck");
    String stack = StackNames.production(ns, "stuck");
    // moto finishes every stack at once; the proxy shows this one as still being created.
    AwsFaultProxy.Rewrite creating = inProgress(stack, "CREATE_COMPLETE", "CREATE_IN_PROGRESS");
    proxy.rewrite(creating);
    try {
      create(ns, "stuck");
      CrossAccountAccess stuck =
          grants().awaitCondition(ns, "stuck", "ProductionStackReady", "False", "StackStuck");
      assertThat(Grants.message(stuck, "ProductionStackReady"))
          .contains("stack " + stack + " has been CREATE_IN_PROGRESS since")
          .contains("describe-stack-events --stack-name " + stack);

      // Deleting does not wait for the create to end: CloudFormation stops it when asked.
      client.resources(CrossAccountAccess.class).inNamespace(ns).withName("stuck").delete();
      grants().awaitGone(ns, "stuck");
    } finally {
      proxy.remove(creating);
    }
    assertThat(stackExists(productionCfn(), stack)).isFalse();
  }

  @Test
  void anUpdateInProgressIsCancelledSoTheGrantCanBeDeleted() {
    String ns = XaccessCrd.ensureNamespace(client, "op-cancel");
    create(ns, "cancel");
    grants().awaitReady(ns, "cancel");
    String dev = StackNames.development(ns, "cancel");
    AtomicInteger cancels = new AtomicInteger();
    // moto has no CancelUpdateStack; the proxy answers it as CloudFormation does and, once asked,
    // stops showing the update in progress (the rollback of a no-op update ends at once).
    AwsFaultProxy.Rewrite updating =
        new AwsFaultProxy.Rewrite(
            r -> describes(r, dev) && cancels.get() == 0,
            body ->
                body.replace("<StackStatus>CREATE_COMPLETE<", "<StackStatus>UPDATE_IN_PROGRESS<"));
    AwsFaultProxy.Answer cancel =
        new AwsFaultProxy.Answer(
            r ->
                "CancelUpdateStack".equals(r.action())
                    && dev.equals(r.form().get("StackName"))
                    && cancels.incrementAndGet() > 0,
            200,
            "<CancelUpdateStackResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">"
                + "<ResponseMetadata><RequestId>xaccess-cancel</RequestId></ResponseMetadata>"
                + "</CancelUpdateStackResponse>");
    proxy.rewrite(updating);
    proxy.answer(cancel);
    try {
      client.resources(CrossAccountAccess.class).inNamespace(ns).withName("cancel").delete();
      grants().awaitGone(ns, "cancel");
    } finally {
      proxy.remove(updating);
      proxy.remove(cancel);
    }
    assertThat(cancels.get()).as("the update was cancelled, once").isEqualTo(1);
    assertThat(stackExists(developmentCfn(), dev)).isFalse();
    assertThat(stackExists(productionCfn(), StackNames.production(ns, "cancel"))).isFalse();
  }

  /**
   * The deployer roles' trust, as AWS would judge it (moto judges none, and ignores session tags):
   * assuming a deployer role is refused unless the session is tagged with exactly the cluster and a
   * listed namespace. The operator's sessions carry those tags, per grant namespace: a listed
   * namespace's grant gets Ready, an unlisted one's stalls on AccessDenied.
   */
  @Test
  void deployerSessionsAreTaggedWithTheClusterAndTheGrantsNamespace() {
    String listed = XaccessCrd.ensureNamespace(client, "op-tags-listed");
    String unlisted = XaccessCrd.ensureNamespace(client, "op-tags-unlisted");
    List<Map<String, String>> sessions = new CopyOnWriteArrayList<>();
    AwsFaultProxy.Fault trust =
        new AwsFaultProxy.Fault(
            r -> {
              if (!"AssumeRole".equals(r.action())
                  || !r.form().getOrDefault("RoleArn", "").endsWith(":role/xaccess-deployer")) {
                return false;
              }
              Map<String, String> tags = sessionTags(r);
              sessions.add(tags);
              return !tags.equals(Map.of("xaccess:cluster", CLUSTER, "xaccess:namespace", listed));
            },
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/operator-test is not authorized to perform:"
                + " sts:TagSession on resource: arn:aws:iam::111111111111:role/xaccess-deployer");
    proxy.add(trust);
    try {
      create(listed, "tagged");
      create(unlisted, "tagged");
      grants().awaitReady(listed, "tagged");
      CrossAccountAccess refused =
          grants().awaitCondition(unlisted, "tagged", "Stalled", "True", "AssumeRoleDenied");
      assertThat(Grants.message(refused, "Stalled"))
          .contains(
              "cannot assume its deployer role arn:aws:iam::111111111111:role/xaccess-deployer")
          .contains("AllowedNamespaces");
      assertThat(sessions)
          .contains(
              Map.of("xaccess:cluster", CLUSTER, "xaccess:namespace", listed),
              Map.of("xaccess:cluster", CLUSTER, "xaccess:namespace", unlisted))
          .allSatisfy(
              tags -> assertThat(tags).containsOnlyKeys("xaccess:cluster", "xaccess:namespace"));
    } finally {
      proxy.remove(trust);
    }
    client.resources(CrossAccountAccess.class).inNamespace(listed).withName("tagged").delete();
    client.resources(CrossAccountAccess.class).inNamespace(unlisted).withName("tagged").delete();
    grants().awaitGone(listed, "tagged");
    grants().awaitGone(unlisted, "tagged");
  }

  @Test
  void anAssumeRoleAnsweredWithoutCredentialsIsAPassingAwsProblemNotABug() {
    String ns = XaccessCrd.ensureNamespace(client, "op-empty-sts");
    // The namespace's first deployer session: an empty 200, as a broken proxy gives it. The SDK's
    // own provider reads no credentials from it (a NullPointerException inside the SDK).
    AwsFaultProxy.Answer empty =
        new AwsFaultProxy.Answer(
            r ->
                "AssumeRole".equals(r.action())
                    && ns.equals(sessionTags(r).get("xaccess:namespace")),
            200,
            "");
    proxy.answer(empty);
    try {
      create(ns, "empty");
      CrossAccountAccess retrying =
          grants()
              .await(ns, "empty", g -> "AwsUnreachable".equals(Grants.reason(g, "Reconciling")));
      assertThat(Grants.message(retrying, "Reconciling"))
          .contains("AWS STS answered AssumeRole without credentials")
          .doesNotContain("NullPointerException");
    } finally {
      proxy.remove(empty);
    }
    grants().awaitReady(ns, "empty");
    client.resources(CrossAccountAccess.class).inNamespace(ns).withName("empty").delete();
    grants().awaitGone(ns, "empty");
  }

  /** The session tags of an AssumeRole as the SDK sends them (query protocol). */
  private static Map<String, String> sessionTags(AwsFaultProxy.AwsRequest r) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 1; r.form().containsKey("Tags.member." + i + ".Key"); i++) {
      tags.put(
          r.form().get("Tags.member." + i + ".Key"), r.form().get("Tags.member." + i + ".Value"));
    }
    return tags;
  }

  private static AwsFaultProxy.Answer html500(String stack) {
    return new AwsFaultProxy.Answer(r -> describes(r, stack), 500, HTML_500);
  }

  private static AwsFaultProxy.Rewrite inProgress(String stack, String from, String to) {
    return new AwsFaultProxy.Rewrite(
        r -> describes(r, stack),
        body -> body.replace("<StackStatus>" + from + "<", "<StackStatus>" + to + "<"));
  }

  private static boolean describes(AwsFaultProxy.AwsRequest r, String stack) {
    return "DescribeStacks".equals(r.action()) && stack.equals(r.form().get("StackName"));
  }

  /** A grant with a bucket of its namespace's own: a deleted grant's bucket is retained. */
  private void create(String ns, String name) {
    client.resource(GrantYaml.of(ns, name).bucket("xaccess-it-" + ns).resource()).create();
  }

  private Grants grants() {
    return Grants.on(client);
  }
}
