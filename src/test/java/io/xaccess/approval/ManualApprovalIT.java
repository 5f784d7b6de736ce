package io.xaccess.approval;

import static io.xaccess.testing.Grants.has;
import static io.xaccess.testing.Grants.message;
import static io.xaccess.testing.Grants.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.PlanStatus;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.lifetime.DeployedStacks;
import io.xaccess.render.AccessDiff;
import io.xaccess.render.EffectiveAccess;
import io.xaccess.render.RenderSettings;
import io.xaccess.render.RenderedGrant;
import io.xaccess.testing.GitOpsHealth;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorTestEnvironment;
import io.xaccess.testing.XaccessCrd;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;

/**
 * {@code spec.updatePolicy: Manual} on a real API server and moto, with the chart's
 * ValidatingAdmissionPolicy and approver ClusterRole as shipped in deploy/operator.yaml. The first
 * deployment waits for approval and creates nothing; a change creates change sets that are not
 * executed — read from moto — and a plan that says, as render --diff does for the same two
 * manifests, what it adds and removes; the deployed access stays Ready. A second change makes the
 * first plan stale: its change sets are deleted and its hash executes nothing. A user without the
 * {@code approve} verb is refused by the API server (impersonated); an approver's approval executes
 * exactly the current plan and the grant is verified again with the new access.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class ManualApprovalIT {

  private static final Path SHIPPED = Path.of("deploy", "operator.yaml");
  private static final String EDITOR = "dev-editor";
  private static final String APPROVER = "platform-approver";

  @Inject KubernetesClient client;

  @Test
  void aManualGrantChangesOnlyWhenTheCurrentPlanIsApprovedByAnApprover() throws Exception {
    String ns = XaccessCrd.ensureNamespace(client, "manual");
    installApprovalPolicy(ns);
    GrantYaml before =
        GrantYaml.of(ns, "reviewed")
            .bucket("xaccess-it-manual")
            .role("DevToProdS3Publisher-manual")
            .spec("  updatePolicy: Manual\n");
    client.resource(before.resource()).create();

    // The first deployment is a change too: planned, nothing created.
    CrossAccountAccess planned = awaitPlan(ns, "reviewed", null);
    PlanStatus creation = planned.getStatus().getPlan();
    assertThat(planned.getStatus().getPhase()).isEqualTo(Phase.AwaitingApproval);
    assertThat(has(planned, "Ready", "False")).isTrue();
    assertThat(reason(planned, "Ready")).isEqualTo("AwaitingApproval");
    assertThat(creation.getRemoved()).isEmpty();
    assertThat(creation.getAdded()).anyMatch(f -> f.contains("s3:PutObject"));
    assertThat(creation.getProductionChangeSet()).isNull();
    assertThat(creation.getSummary()).contains("xaccess-it-manual");
    assertThat(message(planned, "ApprovalPending"))
        .contains(creation.getHash())
        .contains("kubectl annotate crossaccountaccess reviewed -n " + ns);
    GitOpsHealth.Verdict firstHealth = GitOpsHealth.of(Serialization.asJson(planned));
    assertThat(firstHealth.argoCd()).isEqualTo("Suspended");
    assertThat(firstHealth.argoCdMessage()).contains(creation.getHash());
    assertThat(firstHealth.kstatus())
        .as("not Ready: kubectl wait and Flux keep waiting")
        .isEqualTo("InProgress");
    assertThat(stackExists(prodCfn(), StackNames.production(ns, "reviewed"))).isFalse();
    assertThat(stackExists(devCfn(), StackNames.development(ns, "reviewed"))).isFalse();

    CrossAccountAccess first = approveAs(as(APPROVER), ns, "reviewed", creation.getHash());
    CrossAccountAccess ready =
        grants().awaitReady(ns, "reviewed", first.getMetadata().getGeneration());
    assertThat(ready.getStatus().getAppliedPlan()).isEqualTo(creation.getHash());
    assertThat(ready.getStatus().getPlan()).isNull();
    assertThat(reason(ready, "ApprovalPending")).isEqualTo("NoPendingPlan");
    Map<String, String> deployed = parameters(prodCfn(), StackNames.production(ns, "reviewed"));
    Instant verifiedBefore = Instant.parse(ready.getStatus().getLastVerification().getTime());

    // A change: s3:DeleteObject added. Change sets made, not executed; the plan says what it adds.
    GrantYaml withDelete =
        GrantYaml.of(ns, "reviewed")
            .bucket("xaccess-it-manual")
            .role("DevToProdS3Publisher-manual")
            .spec("  updatePolicy: Manual\n")
            .roleActions("s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject");
    long g2 = update(ns, "reviewed", withDelete.resource());
    CrossAccountAccess waiting = awaitPlan(ns, "reviewed", g2);
    PlanStatus plan2 = waiting.getStatus().getPlan();
    assertThat(plan2.getHash()).isNotEqualTo(creation.getHash());
    AccessDiff rendered = renderedDiff(before, withDelete);
    assertThat(plan2.getAdded()).isEqualTo(rendered.added()).isNotEmpty();
    assertThat(plan2.getRemoved()).isEqualTo(rendered.removed());
    assertThat(plan2.getAdded()).allMatch(f -> f.contains("s3:DeleteObject"));
    assertThat(plan2.getSummary()).contains("delete objects");
    // Ready stays true for the access deployed, and says what waits.
    assertThat(has(waiting, "Ready", "True")).isTrue();
    assertThat(message(waiting, "Ready")).contains("plan " + plan2.getHash());
    assertThat(waiting.getStatus().getPhase()).isEqualTo(Phase.AwaitingApproval);
    GitOpsHealth.Verdict health = GitOpsHealth.of(Serialization.asJson(waiting));
    assertThat(health.argoCd()).isEqualTo("Suspended");
    assertThat(health.argoCdMessage())
        .contains(plan2.getHash())
        .contains("the deployed access stays Ready");
    assertThat(health.kstatus()).as("the deployed access is Ready").isEqualTo("Current");
    assertThat(plan2.getProductionChangeSet()).isNotNull();
    DescribeChangeSetResponse changeSet = changeSet(prodCfn(), plan2.getProductionChangeSet());
    assertThat(changeSet.statusAsString()).isEqualTo("CREATE_COMPLETE");
    assertThat(changeSet.executionStatusAsString()).isEqualTo("AVAILABLE");
    assertThat(parameters(prodCfn(), StackNames.production(ns, "reviewed")))
        .as("AWS unchanged until approved")
        .isEqualTo(deployed);

    // Another change before approval: the objects narrowed to releases/. The first plan is stale.
    GrantYaml narrowed =
        GrantYaml.of(ns, "reviewed")
            .bucket("xaccess-it-manual")
            .bucketLines("    prefix: releases/\n")
            .role("DevToProdS3Publisher-manual")
            .spec("  updatePolicy: Manual\n")
            .roleActions("s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject");
    long g3 = update(ns, "reviewed", narrowed.resource());
    PlanStatus plan3 = awaitPlan(ns, "reviewed", g3).getStatus().getPlan();
    assertThat(plan3.getHash()).isNotIn(plan2.getHash(), creation.getHash());
    assertThat(plan3.getAdded()).anyMatch(f -> f.contains("releases/"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(changeSetGone(prodCfn(), plan2.getProductionChangeSet()))
                    .as("the stale plan's change set is deleted")
                    .isTrue());

    // The stale hash, set by an approver: refused, nothing executed.
    approveAs(as(APPROVER), ns, "reviewed", plan2.getHash());
    CrossAccountAccess stale =
        grants().await(ns, "reviewed", g -> "ApprovalStale".equals(reason(g, "ApprovalPending")));
    assertThat(message(stale, "ApprovalPending"))
        .contains(plan2.getHash())
        .contains("is not the current plan")
        .contains(plan3.getHash());
    assertThat(parameters(prodCfn(), StackNames.production(ns, "reviewed"))).isEqualTo(deployed);
    assertThat(has(stale, "Ready", "True")).isTrue();

    // Someone who may edit grants but not approve them: the API server refuses.
    KubernetesClientException refused =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> approveAs(as(EDITOR), ns, "reviewed", plan3.getHash()));
    assertThat(refused).isNotNull();
    assertThat(refused.getMessage())
        .contains(CrossAccountAccess.APPROVE_PLAN_ANNOTATION)
        .contains("approve")
        .contains(EDITOR);
    assertThat(grants().get(ns, "reviewed").getMetadata().getAnnotations())
        .containsEntry(CrossAccountAccess.APPROVE_PLAN_ANNOTATION, plan2.getHash());

    // The approver approves the current plan: executed, verified again with the new access.
    approveAs(as(APPROVER), ns, "reviewed", plan3.getHash());
    CrossAccountAccess done =
        grants()
            .within(Duration.ofSeconds(120))
            .await(
                ns,
                "reviewed",
                g ->
                    plan3.getHash().equals(g.getStatus().getAppliedPlan())
                        && Grants.observed(g, g3)
                        && has(g, "Ready", "True")
                        && Instant.parse(g.getStatus().getLastVerification().getTime())
                            .isAfter(verifiedBefore));
    assertThat(done.getStatus().getPlan()).isNull();
    assertThat(done.getStatus().getPhase()).isEqualTo(Phase.Ready);
    assertThat(reason(done, "ApprovalPending")).isEqualTo("NoPendingPlan");
    Map<String, String> now = parameters(prodCfn(), StackNames.production(ns, "reviewed"));
    assertThat(now.get("S3ObjectActions")).contains("s3:DeleteObject");
    assertThat(now.get("ObjectPrefix")).isEqualTo("releases/");
    assertThat(changeSet(prodCfn(), plan3.getProductionChangeSet()).executionStatusAsString())
        .isEqualTo("EXECUTE_COMPLETE");

    client.resource(done).delete();
    grants().awaitGone(ns, "reviewed");
  }

  /** Until a complete plan waits for {@code generation} (any, when null). */
  private CrossAccountAccess awaitPlan(String ns, String name, Long generation) {
    return grants()
        .await(
            ns,
            name,
            g ->
                (generation == null || Grants.observed(g, generation))
                    && g.getStatus().getPlan() != null
                    && "Ready".equals(g.getStatus().getPlan().getState())
                    && (generation == null
                        || generation.equals(g.getStatus().getPlan().getGeneration()))
                    && "AwaitingApproval".equals(reason(g, "ApprovalPending")));
  }

  /** What render --diff says the change from {@code old} to {@code now} adds and removes. */
  private static AccessDiff renderedDiff(GrantYaml old, GrantYaml now) throws Exception {
    RenderSettings settings = RenderSettings.defaults();
    EffectiveAccess a = EffectiveAccess.of(RenderedGrant.of(old.resource(), settings).policies());
    EffectiveAccess b = EffectiveAccess.of(RenderedGrant.of(now.resource(), settings).policies());
    return AccessDiff.between(a, b);
  }

  private long update(String ns, String name, CrossAccountAccess desired) {
    CrossAccountAccess current = grants().get(ns, name);
    current.setSpec(desired.getSpec());
    return client.resource(current).update().getMetadata().getGeneration();
  }

  /** Sets the approval annotation as {@code user} (a merge patch, as kubectl annotate sends). */
  private static CrossAccountAccess approveAs(
      KubernetesClient user, String ns, String name, String hash) {
    try (user) {
      return user.resources(CrossAccountAccess.class)
          .inNamespace(ns)
          .withName(name)
          .edit(
              g -> {
                Map<String, String> annotations =
                    new HashMap<>(
                        g.getMetadata().getAnnotations() == null
                            ? Map.of()
                            : g.getMetadata().getAnnotations());
                annotations.put(CrossAccountAccess.APPROVE_PLAN_ANNOTATION, hash);
                g.getMetadata().setAnnotations(annotations);
                return g;
              });
    }
  }

  /** A client acting as {@code user} (impersonated by the admin client). */
  private KubernetesClient as(String user) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(client.getConfiguration())
                .withImpersonateUsername(user)
                .withImpersonateGroups("system:authenticated")
                .build())
        .build();
  }

  /**
   * The shipped ValidatingAdmissionPolicy, its binding and the approver ClusterRole from
   * deploy/operator.yaml; an editor Role and the approver's binding in {@code ns}; then waits until
   * the policy is in force (a dry-run approval by the editor is refused).
   */
  private void installApprovalPolicy(String ns) throws Exception {
    List<HasMetadata> shipped;
    try (InputStream in = Files.newInputStream(SHIPPED)) {
      shipped = client.load(in).items();
    }
    String approverRole = null;
    for (HasMetadata object : shipped) {
      String kind = object.getKind();
      if (kind.startsWith("ValidatingAdmissionPolicy")) {
        client.resource(object).serverSideApply();
      }
      if (object instanceof ClusterRole role
          && role.getRules().stream().anyMatch(r -> r.getVerbs().contains("approve"))) {
        client.resource(role).serverSideApply();
        approverRole = role.getMetadata().getName();
      }
    }
    assertThat(approverRole).as("deploy/operator.yaml ships an approver ClusterRole").isNotNull();
    client
        .rbac()
        .roles()
        .inNamespace(ns)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("grant-editor")
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("xaccess.io")
                        .withResources("crossaccountaccesses")
                        .withVerbs("get", "list", "watch", "create", "update", "patch")
                        .build())
                .build())
        .serverSideApply();
    bind(ns, "grant-editor", "Role", "grant-editor", EDITOR);
    bind(ns, "grant-approver", "ClusterRole", approverRole, APPROVER);
    // In force once the editor's dry-run approval of a throwaway grant is refused.
    CrossAccountAccess probe = GrantYaml.of(ns, "probe").resource();
    probe.getMetadata().setAnnotations(Map.of(CrossAccountAccess.APPROVE_PLAN_ANNOTATION, "x"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              try (KubernetesClient editor = as(EDITOR)) {
                editor.resource(probe).dryRun().create();
                return false;
              } catch (KubernetesClientException e) {
                return e.getCode() == 403 || e.getCode() == 422 || e.getCode() == 400;
              }
            });
  }

  private void bind(String ns, String name, String kind, String role, String user) {
    client
        .rbac()
        .roleBindings()
        .inNamespace(ns)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", kind, role)
                .addNewSubject()
                .withKind("User")
                .withName(user)
                .withApiGroup("rbac.authorization.k8s.io")
                .endSubject()
                .build())
        .serverSideApply();
  }

  private static Map<String, String> parameters(CloudFormationClient cfn, String stack) {
    return DeployedStacks.parameters(cfn, stack);
  }

  private static DescribeChangeSetResponse changeSet(CloudFormationClient cfn, String arn) {
    return cfn.describeChangeSet(r -> r.changeSetName(arn));
  }

  private static boolean changeSetGone(CloudFormationClient cfn, String arn) {
    try {
      cfn.describeChangeSet(r -> r.changeSetName(arn));
      return false;
    } catch (software.amazon.awssdk.awscore.exception.AwsServiceException e) {
      return true;
    }
  }

  private static boolean stackExists(CloudFormationClient cfn, String name) {
    return OperatorTestEnvironment.stackExists(cfn, name);
  }

  private static CloudFormationClient prodCfn() {
    return OperatorTestEnvironment.productionCfn();
  }

  private static CloudFormationClient devCfn() {
    return OperatorTestEnvironment.developmentCfn();
  }

  private Grants grants() {
    return Grants.on(client);
  }
}
