package io.xaccess.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.XaccessCrd;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plan approval on a real kube-apiserver (RBAC on): the ValidatingAdmissionPolicy, its binding and
 * the approver ClusterRole exactly as deploy/operator.yaml ships them let only holders of the
 * approve verb on a grant set {@code xaccess.io/approve-plan} to a new value. The users are
 * impersonated by the admin client; their Roles and RoleBindings are made here. No operator runs:
 * the API server alone decides.
 *
 * <p>erin edits grants in both namespaces; alice edits them in both too, and her group
 * team-a-approvers is bound to the approver ClusterRole in {@link #A} only; sam may approve one
 * grant by name.
 */
class ApprovalAuthorizationIT {

  private static final Path DEPLOY = Path.of("deploy", "operator.yaml");
  private static final String ANNOTATION = "xaccess.io/approve-plan";
  private static final String APPROVER_ROLE = "xaccess-operator-approver";

  private static final String A = "approval-a";
  private static final String B = "approval-b";

  private static final String EDITOR = "erin";
  private static final String APPROVER = "alice";
  private static final String APPROVERS = "team-a-approvers";
  private static final String SCOPED = "sam";

  /** How long a new policy or RoleBinding may take to reach the API server's caches. */
  private static final Duration PROPAGATION = Duration.ofSeconds(60);

  private static LocalKubeApiServer kube;
  private static KubernetesClient admin;
  private static KubernetesClient editor;
  private static KubernetesClient approver;
  private static KubernetesClient scoped;
  private static String policyName;

  @BeforeAll
  static void applyTheShippedPolicyAndRoles() throws Exception {
    kube = LocalKubeApiServer.startNew();
    admin = kube.newClient();
    XaccessCrd.installCrds(admin);
    XaccessCrd.ensureNamespace(admin, A);
    XaccessCrd.ensureNamespace(admin, B);

    List<HasMetadata> shipped;
    try (InputStream in = Files.newInputStream(DEPLOY)) {
      shipped = admin.load(in).items();
    }
    ValidatingAdmissionPolicy policy = one(shipped, ValidatingAdmissionPolicy.class);
    ValidatingAdmissionPolicyBinding binding = one(shipped, ValidatingAdmissionPolicyBinding.class);
    assertThat(binding.getSpec().getPolicyName()).isEqualTo(policy.getMetadata().getName());
    List<ClusterRole> approverRole =
        shipped.stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .filter(r -> r.getMetadata().getName().equals(APPROVER_ROLE))
            .toList();
    assertThat(approverRole).as("ClusterRole %s in %s", APPROVER_ROLE, DEPLOY).hasSize(1);
    policyName = policy.getMetadata().getName();
    for (HasMetadata object : List.of(policy, binding, approverRole.get(0))) {
      admin.resource(object).create();
    }

    // Editors: everything on grants but approve (and delete, not needed here).
    for (String namespace : List.of(A, B)) {
      admin
          .rbac()
          .roles()
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName("grant-editor")
                  .withNamespace(namespace)
                  .endMetadata()
                  .withRules(grantRule("get", "list", "watch", "create", "update", "patch"))
                  .build())
          .create();
      bind(namespace, "grant-editor", "Role", "grant-editor", user(EDITOR), user(APPROVER));
    }
    // The shipped approver role, for a group, in A only.
    bind(A, "approvers", "ClusterRole", APPROVER_ROLE, group(APPROVERS));
    // One grant by name: approve with resourceNames.
    admin
        .rbac()
        .roles()
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("approve-grant-x")
                .withNamespace(A)
                .endMetadata()
                .withRules(
                    grantRule("get", "patch"),
                    new PolicyRuleBuilder(grantRule("approve"))
                        .withResourceNames("grant-x")
                        .build())
                .build())
        .create();
    bind(A, "approve-grant-x", "Role", "approve-grant-x", user(SCOPED));

    editor = as(EDITOR);
    approver = as(APPROVER, APPROVERS);
    scoped = as(SCOPED);

    // RBAC's caches: every right the cases below rely on, in force before they run.
    awaitAllowed(EDITOR, List.of(), "patch", A, "any");
    awaitAllowed(EDITOR, List.of(), "create", B, "any");
    awaitAllowed(APPROVER, List.of(APPROVERS), "patch", B, "any");
    awaitAllowed(APPROVER, List.of(APPROVERS), "approve", A, "any");
    awaitAllowed(SCOPED, List.of(), "approve", A, "grant-x");
    awaitPolicyInForce();
  }

  @AfterAll
  static void stop() {
    for (KubernetesClient client : new KubernetesClient[] {editor, approver, scoped, admin}) {
      if (client != null) {
        client.close();
      }
    }
    if (kube != null) {
      kube.stop();
    }
  }

  @Test
  void anEditorCannotApproveAnExistingGrantNeitherByPatchNorByUpdate() {
    create(admin, grant(A, "edited", null));

    KubernetesClientException patched =
        refused(
            () ->
                grants(editor, A)
                    .withName("edited")
                    .edit(annotate(g -> g.put(ANNOTATION, "plan-1"))));
    assertNamesTheAnnotationTheVerbAndTheUser(patched, A, "edited", EDITOR);

    CrossAccountAccess replaced = grants(editor, A).withName("edited").get();
    annotations(replaced).put(ANNOTATION, "plan-1");
    assertNamesTheAnnotationTheVerbAndTheUser(
        refused(() -> grants(editor, A).resource(replaced).update()), A, "edited", EDITOR);

    // docs/approval-rbac.md's check that the policy is in force: a server-side dry run.
    Kubectl.Result dryRun =
        new Kubectl(kube)
            .run(
                "annotate",
                "-n",
                A,
                "crossaccountaccess",
                "edited",
                ANNOTATION + "=test",
                "--dry-run=server",
                "--as",
                EDITOR);
    assertThat(dryRun.exitCode()).isNotZero();
    assertThat(dryRun.output())
        .contains("Error from server (Forbidden)")
        .contains("user " + EDITOR + " does not have it");

    assertThat(annotations(grants(admin, A).withName("edited").get()))
        .doesNotContainKey(ANNOTATION);
  }

  @Test
  void anEditorCannotCreateAGrantThatIsAlreadyApproved() {
    assertNamesTheAnnotationTheVerbAndTheUser(
        refused(() -> create(editor, grant(B, "born-approved", "plan-1"))),
        B,
        "born-approved",
        EDITOR);
    assertThat(grants(admin, B).withName("born-approved").get()).isNull();

    // The refusal was the annotation's: without it the same editor may create the grant.
    create(editor, grant(B, "born-approved", null));
    assertThat(grants(admin, B).withName("born-approved").get()).isNotNull();
  }

  @Test
  void anApproverBoundInTheNamespaceMayApprove() {
    create(admin, grant(A, "reviewed", null));
    Kubectl kubectl = new Kubectl(kube);
    String[] asApprover = {"--as", APPROVER, "--as-group", APPROVERS};

    assertThat(
            kubectl
                .run(
                    concat(
                        asApprover,
                        "auth",
                        "can-i",
                        "approve",
                        "crossaccountaccesses.xaccess.io",
                        "-n",
                        A))
                .output())
        .isEqualToIgnoringWhitespace("yes");
    // What an approver runs (kubectl annotate is a patch).
    kubectl.succeed(
        concat(
            asApprover,
            "annotate",
            "-n",
            A,
            "crossaccountaccesses.xaccess.io",
            "reviewed",
            ANNOTATION + "=plan-1"));
    assertThat(annotations(grants(admin, A).withName("reviewed").get()))
        .containsEntry(ANNOTATION, "plan-1");

    // A later plan needs approve again, which the approver has.
    grants(approver, A).withName("reviewed").edit(annotate(a -> a.put(ANNOTATION, "plan-2")));
    assertThat(annotations(grants(admin, A).withName("reviewed").get()))
        .containsEntry(ANNOTATION, "plan-2");
  }

  @Test
  void theSameApproverCannotApproveInANamespaceWithoutTheBinding() {
    create(admin, grant(B, "elsewhere", null));
    assertThat(
            new Kubectl(kube)
                .run(
                    "auth",
                    "can-i",
                    "approve",
                    "crossaccountaccesses.xaccess.io",
                    "-n",
                    B,
                    "--as",
                    APPROVER,
                    "--as-group",
                    APPROVERS)
                .output())
        .startsWith("no");

    // alice may edit grants in B (so RBAC lets the patch through): the policy refuses it.
    KubernetesClientException refused =
        refused(
            () ->
                grants(approver, B)
                    .withName("elsewhere")
                    .edit(annotate(a -> a.put(ANNOTATION, "plan-1"))));
    assertNamesTheAnnotationTheVerbAndTheUser(refused, B, "elsewhere", APPROVER);
    assertThat(annotations(grants(admin, B).withName("elsewhere").get()))
        .doesNotContainKey(ANNOTATION);
  }

  @Test
  void anEditorMayChangeTheSpecOfAnApprovedGrantLeavingTheApprovalAsItIs() {
    create(admin, grant(A, "approved-edited", "plan-7"));

    grants(editor, A).withName("approved-edited").edit(g -> suspend(g, true));
    CrossAccountAccess patched = grants(admin, A).withName("approved-edited").get();
    assertThat(patched.getSpec().getSuspend()).isTrue();
    assertThat(annotations(patched)).containsEntry(ANNOTATION, "plan-7");

    // A whole-object update carrying the same value, as kubectl replace or an editor's YAML.
    CrossAccountAccess replaced = grants(editor, A).withName("approved-edited").get();
    replaced.getSpec().setSuspend(false);
    grants(editor, A).resource(replaced).update();
    CrossAccountAccess updated = grants(admin, A).withName("approved-edited").get();
    assertThat(updated.getSpec().getSuspend()).isFalse();
    assertThat(annotations(updated)).containsEntry(ANNOTATION, "plan-7");
  }

  @Test
  void anEditorMayWithdrawAnApprovalButNotReplaceIt() {
    create(admin, grant(A, "withdrawn", "plan-7"));

    // Another value is a new approval.
    assertNamesTheAnnotationTheVerbAndTheUser(
        refused(
            () ->
                grants(editor, A)
                    .withName("withdrawn")
                    .edit(annotate(a -> a.put(ANNOTATION, "plan-8")))),
        A,
        "withdrawn",
        EDITOR);
    assertThat(annotations(grants(admin, A).withName("withdrawn").get()))
        .containsEntry(ANNOTATION, "plan-7");

    grants(editor, A).withName("withdrawn").edit(annotate(a -> a.remove(ANNOTATION)));
    assertThat(annotations(grants(admin, A).withName("withdrawn").get()))
        .doesNotContainKey(ANNOTATION);
  }

  @Test
  void anApproverScopedByResourceNamesMayApproveOnlyThatGrant() {
    create(admin, grant(A, "grant-x", null));
    create(admin, grant(A, "grant-y", null));

    grants(scoped, A).withName("grant-x").edit(annotate(a -> a.put(ANNOTATION, "plan-1")));
    assertThat(annotations(grants(admin, A).withName("grant-x").get()))
        .containsEntry(ANNOTATION, "plan-1");

    assertNamesTheAnnotationTheVerbAndTheUser(
        refused(
            () ->
                grants(scoped, A)
                    .withName("grant-y")
                    .edit(annotate(a -> a.put(ANNOTATION, "plan-1")))),
        A,
        "grant-y",
        SCOPED);
    assertThat(annotations(grants(admin, A).withName("grant-y").get()))
        .doesNotContainKey(ANNOTATION);
  }

  // --- the policy's refusals

  /**
   * Until the API server refuses an editor's approval (a dry run, nothing stored): policies load
   * asynchronously after they are created.
   */
  private static void awaitPolicyInForce() {
    CrossAccountAccess probe = grant(A, "probe", "plan-probe");
    await()
        .atMost(PROPAGATION)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              KubernetesClientException refused =
                  catchThrowableOfType(
                      KubernetesClientException.class,
                      () -> grants(editor, A).resource(probe).dryRun().create());
              assertThat(refused).as("the editor's approval was admitted").isNotNull();
              assertNamesTheAnnotationTheVerbAndTheUser(refused, A, "probe", EDITOR);
            });
  }

  private static void assertNamesTheAnnotationTheVerbAndTheUser(
      KubernetesClientException refused, String namespace, String grant, String user) {
    assertThat(refused.getCode()).as(refused.getMessage()).isEqualTo(403);
    assertThat(refused.getStatus().getReason()).isEqualTo("Forbidden");
    assertThat(refused.getStatus().getMessage())
        .contains("ValidatingAdmissionPolicy '" + policyName + "'")
        .contains(
            "metadata.annotations["
                + ANNOTATION
                + "]: approving the plan of "
                + grant
                + " needs the 'approve' verb on crossaccountaccesses.xaccess.io in namespace "
                + namespace
                + "; user "
                + user
                + " does not have it");
  }

  private static KubernetesClientException refused(Runnable request) {
    KubernetesClientException refused =
        catchThrowableOfType(KubernetesClientException.class, request::run);
    assertThat(refused).as("the request was admitted").isNotNull();
    return refused;
  }

  // --- grants

  private static CrossAccountAccess grant(String namespace, String name, String approval) {
    CrossAccountAccess grant = GrantYaml.of(namespace, name).resource();
    if (approval != null) {
      grant.getMetadata().setAnnotations(new HashMap<>(Map.of(ANNOTATION, approval)));
    }
    return grant;
  }

  private static void create(KubernetesClient client, CrossAccountAccess grant) {
    grants(client, grant.getMetadata().getNamespace()).resource(grant).create();
  }

  private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          CrossAccountAccess,
          io.fabric8.kubernetes.api.model.KubernetesResourceList<CrossAccountAccess>,
          Resource<CrossAccountAccess>>
      grants(KubernetesClient client, String namespace) {
    return client.resources(CrossAccountAccess.class).inNamespace(namespace);
  }

  private static Map<String, String> annotations(CrossAccountAccess grant) {
    if (grant.getMetadata().getAnnotations() == null) {
      grant.getMetadata().setAnnotations(new HashMap<>());
    }
    return grant.getMetadata().getAnnotations();
  }

  private static java.util.function.UnaryOperator<CrossAccountAccess> annotate(
      Consumer<Map<String, String>> change) {
    return g -> {
      change.accept(annotations(g));
      return g;
    };
  }

  private static CrossAccountAccess suspend(CrossAccountAccess grant, boolean suspend) {
    grant.getSpec().setSuspend(suspend);
    return grant;
  }

  // --- users and their rights

  /** A client of the admin's kubeconfig that impersonates {@code user} in {@code groups}. */
  private static KubernetesClient as(String user, String... groups) {
    Config config = Config.fromKubeconfig(kube.kubeConfigYaml());
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static io.fabric8.kubernetes.api.model.rbac.PolicyRule grantRule(String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups("xaccess.io")
        .withResources("crossaccountaccesses")
        .withVerbs(verbs)
        .build();
  }

  private static void bind(
      String namespace, String name, String kind, String role, Subject... subjects) {
    admin
        .rbac()
        .roleBindings()
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", kind, role)
                .withSubjects(subjects)
                .build())
        .create();
  }

  private static Subject user(String name) {
    return subject("User", name);
  }

  private static Subject group(String name) {
    return subject("Group", name);
  }

  private static Subject subject(String kind, String name) {
    return new SubjectBuilder()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind(kind)
        .withName(name)
        .build();
  }

  /** Until the authorizer (RBAC's informers) allows {@code verb} on the grant {@code name}. */
  private static void awaitAllowed(
      String user, List<String> groups, String verb, String namespace, String name) {
    await()
        .atMost(PROPAGATION)
        .pollInterval(Duration.ofMillis(300))
        .alias(user + " may " + verb + " crossaccountaccesses " + namespace + "/" + name)
        .until(
            () ->
                admin
                    .authorization()
                    .v1()
                    .subjectAccessReview()
                    .create(
                        new SubjectAccessReviewBuilder()
                            .withNewSpec()
                            .withUser(user)
                            .withGroups(groups)
                            .withNewResourceAttributes()
                            .withGroup("xaccess.io")
                            .withResource("crossaccountaccesses")
                            .withNamespace(namespace)
                            .withName(name)
                            .withVerb(verb)
                            .endResourceAttributes()
                            .endSpec()
                            .build())
                    .getStatus()
                    .getAllowed());
  }

  private static <T> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as("%s in %s", type.getSimpleName(), DEPLOY).hasSize(1);
    return found.get(0);
  }

  private static String[] concat(String[] first, String... rest) {
    String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }
}
