package io.xaccess.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.bench.OperatorMetrics;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.testing.AwsTestAccounts;
import io.xaccess.testing.GitOpsHealth;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.TestCluster;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Drift, on the packaged operator against a real API server and moto, with a drift check every few
 * seconds. AWS is edited directly, never through the operator, as someone at the console would: an
 * inline policy deleted, an action added to the role's policy, a principal added to the trust, the
 * bucket policy replaced. Each is found within one check and named in the Drifted condition; under
 * Repair it is put back (read back from moto) and the access proven again, under Report only
 * reported. A policy re-ordered and re-formatted but equal in meaning is no drift and makes no
 * write.
 */
class DriftIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration INTERVAL = Duration.ofSeconds(3);

  /** One interval, the check itself, and the slack of a loaded machine. */
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private static final String OUTSIDER = "arn:aws:iam::333333333333:root";

  /** Every write a drift repair can make. */
  private static final java.util.Set<String> REPAIR_WRITES =
      java.util.Set.of(
          "UpdateAssumeRolePolicy",
          "UpdateRole",
          "PutRolePermissionsBoundary",
          "PutRolePolicy",
          "DeleteRolePolicy",
          "DetachRolePolicy",
          "PutBucketPolicy",
          "PutBucketEncryption",
          "PutPublicAccessBlock",
          "PutKeyPolicy");

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static AwsTestAccounts accounts;
  private static OperatorProcess operator;
  private static String ns;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start();
    client = cluster.client();
    accounts = AwsTestAccounts.open(cluster.moto());
    ns = cluster.namespace("drift");
    operator =
        OperatorProcess.start(
            cluster.kube().kubeConfigFile(),
            cluster.awsEndpoint(),
            Files.createTempFile("xaccess-drift", ".log"),
            Map.of(
                "XACCESS_DRIFT_INTERVAL", INTERVAL.toSeconds() + "s",
                "XACCESS_DRIFT_RETRY_DELAY", INTERVAL.toSeconds() + "s"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.close();
    }
    accounts.close();
    cluster.close();
  }

  private static Grants grants() {
    return cluster
        .grants()
        .within(WITHIN.multipliedBy(2))
        .onTimeout(
            () -> {
              try {
                System.out.println("operator log:\n" + Files.readString(operator.log()));
              } catch (java.io.IOException e) {
                System.out.println("no operator log: " + e);
              }
            });
  }

  private static String role(String name) {
    return "DevToProdDrift-" + name;
  }

  private static String bucket(String name) {
    return "xaccess-drift-" + name;
  }

  private static CrossAccountAccess create(String name, String driftPolicy) {
    client
        .resource(
            GrantYaml.of(ns, name)
                .bucket(bucket(name))
                .role(role(name))
                .spec("  driftPolicy: " + driftPolicy + "\n")
                .resource())
        .create();
    return grants().awaitReady(ns, name);
  }

  private static IamClient iam() {
    return accounts.production().iam();
  }

  private static S3Client s3() {
    return accounts.production().s3(Region.AP_SOUTHEAST_2);
  }

  private static String rolePolicy(String name, String policy) {
    return URLDecoder.decode(
        iam().getRolePolicy(r -> r.roleName(role(name)).policyName(policy)).policyDocument(),
        StandardCharsets.UTF_8);
  }

  private static boolean hasRolePolicy(String name, String policy) {
    return iam().listRolePolicies(r -> r.roleName(role(name))).policyNames().contains(policy);
  }

  private static String trust(String name) {
    return URLDecoder.decode(
        iam().getRole(r -> r.roleName(role(name))).role().assumeRolePolicyDocument(),
        StandardCharsets.UTF_8);
  }

  private static String bucketPolicy(String name) {
    return s3().getBucketPolicy(r -> r.bucket(bucket(name))).policy();
  }

  /**
   * Until the grant's Drifted condition, written by a check that started after {@code since},
   * matches.
   */
  private static CrossAccountAccess awaitCheck(
      String name, Instant since, String description, Predicate<CrossAccountAccess> matching) {
    return grants()
        .await(
            ns,
            name,
            description,
            g ->
                g.getStatus().getDrift() != null
                    && !Instant.parse(g.getStatus().getDrift().getCheckedAt()).isBefore(since)
                    && matching.test(g));
  }

  private static Predicate<CrossAccountAccess> drifted(String status, String reason, String text) {
    return g ->
        Grants.has(g, "Drifted", status)
            && reason.equals(Grants.reason(g, "Drifted"))
            && Grants.message(g, "Drifted").contains(text);
  }

  /** The moment of an edit, to the second as the operator records its checks. */
  private static Instant now() {
    return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  @Test
  void underRepairEachEditIsFoundNamedPutBackAndTheAccessProvenAgain() throws Exception {
    String name = "repair";
    CrossAccountAccess ready = create(name, "Repair");
    String declaredObjects = rolePolicy(name, "xaccess-objects");
    String roleName = role(name);

    // 1. The object policy deleted.
    Instant deleted = now();
    iam().deleteRolePolicy(r -> r.roleName(roleName).policyName("xaccess-objects"));
    CrossAccountAccess repaired =
        awaitCheck(
            name,
            deleted,
            "the deleted policy put back",
            drifted(
                "False",
                "DriftRepaired",
                "policy xaccess-objects of role " + roleName + ": deleted"));
    assertThat(hasRolePolicy(name, "xaccess-objects")).as("read back from moto").isTrue();
    assertSameMeaning(rolePolicy(name, "xaccess-objects"), declaredObjects);
    assertThat(repaired.getStatus().getDrift().getLastRepair())
        .extracting(f -> f.getResource())
        .containsExactly("policy xaccess-objects of role " + roleName);
    // The repair is proven by a new verification.
    grants()
        .await(
            ns,
            name,
            "a proof after the repair",
            g ->
                g.getStatus().getLastVerification() != null
                    && !Instant.parse(g.getStatus().getLastVerification().getTime())
                        .isBefore(deleted)
                    && "Succeeded".equals(g.getStatus().getLastVerification().getResult())
                    && Grants.isTrue(g, "Ready"));
    assertThat(ready.getStatus().getLastVerification().getTime())
        .isNotEqualTo(grants().get(ns, name).getStatus().getLastVerification().getTime());

    // 2. s3:DeleteObject added to the role's object policy.
    Instant edit = now();
    putRolePolicy(roleName, "xaccess-objects", withAction(declaredObjects, "s3:DeleteObject"));
    awaitCheck(
        name,
        edit,
        "the added action removed",
        drifted(
            "False",
            "DriftRepaired",
            "policy xaccess-objects of role "
                + roleName
                + ": statement ObjectAccessWithinPrefix: action s3:deleteobject added"));
    assertThat(rolePolicy(name, "xaccess-objects")).doesNotContain("s3:DeleteObject");

    // 3. A principal of a third account added to the trust.
    String declaredTrust = trust(name);
    edit = now();
    iam()
        .updateAssumeRolePolicy(
            r -> r.roleName(roleName).policyDocument(withTrustedOutsider(declaredTrust)));
    assertThat(trust(name)).contains(OUTSIDER);
    awaitCheck(
        name,
        edit,
        "the outsider taken out of the trust",
        drifted(
            "False",
            "DriftRepaired",
            "trust policy of role " + roleName + ": statement (Allow for AWS:" + OUTSIDER));
    assertThat(trust(name)).doesNotContain("333333333333");
    assertSameMeaning(trust(name), declaredTrust);

    // 4. The bucket policy replaced by one that lets everyone read.
    String declaredBucketPolicy = bucketPolicy(name);
    edit = now();
    s3().putBucketPolicy(r -> r.bucket(bucket(name)).policy(everyoneReads(bucket(name))));
    awaitCheck(
        name,
        edit,
        "the bucket policy put back",
        drifted("False", "DriftRepaired", "bucket policy of " + bucket(name) + ": "));
    assertSameMeaning(bucketPolicy(name), declaredBucketPolicy);
    assertThat(Grants.isTrue(grants().get(ns, name), "Ready")).isTrue();
  }

  @Test
  void underReportEditsAreNamedAndLeftAsTheyAre() throws Exception {
    String name = "report";
    create(name, "Report");
    String roleName = role(name);
    String declaredListing = rolePolicy(name, "xaccess-listing");
    Instant edit = now();
    // The four edits at once: the object policy deleted, an action added to the listing policy, a
    // principal added to the trust, the bucket policy replaced.
    iam().deleteRolePolicy(r -> r.roleName(roleName).policyName("xaccess-objects"));
    putRolePolicy(
        roleName, "xaccess-listing", withAction(declaredListing, "s3:ListBucketVersions"));
    String declaredTrust = trust(name);
    iam()
        .updateAssumeRolePolicy(
            r -> r.roleName(roleName).policyDocument(withTrustedOutsider(declaredTrust)));
    s3().putBucketPolicy(r -> r.bucket(bucket(name)).policy(everyoneReads(bucket(name))));
    CrossAccountAccess reported =
        awaitCheck(
            name,
            edit,
            "the four edits reported",
            drifted(
                    "True",
                    "DriftDetected",
                    "policy xaccess-objects of role " + roleName + ": deleted")
                .and(drifted("True", "DriftDetected", "action s3:listbucketversions added"))
                .and(drifted("True", "DriftDetected", "AWS:" + OUTSIDER))
                .and(drifted("True", "DriftDetected", "bucket policy of " + bucket(name))));
    assertThat(Grants.message(reported, "Drifted"))
        .endsWith("(spec.driftPolicy Report: nothing was changed in AWS)");
    assertThat(reported.getStatus().getDrift().getFindings()).hasSize(4);
    assertThat(reported.getStatus().getDrift().getLastRepairAt()).isNull();
    assertThat(Grants.isTrue(reported, "Ready")).as("the access itself is unchanged").isTrue();
    // Argo CD: someone must look (Degraded, naming the drift); kstatus: the rollout is done.
    GitOpsHealth.Verdict health = GitOpsHealth.of(Serialization.asJson(reported));
    assertThat(health.argoCd()).isEqualTo("Degraded");
    assertThat(health.argoCdMessage()).startsWith("DriftDetected: ").contains("AWS:" + OUTSIDER);
    assertThat(health.kstatus()).isEqualTo("Current");

    // Checked again later: still reported, still as edited in AWS.
    Instant later = Instant.parse(reported.getStatus().getDrift().getCheckedAt()).plusSeconds(1);
    awaitCheck(name, later, "a later check", drifted("True", "DriftDetected", "deleted"));
    assertThat(hasRolePolicy(name, "xaccess-objects")).isFalse();
    assertThat(rolePolicy(name, "xaccess-listing")).contains("s3:ListBucketVersions");
    assertThat(trust(name)).contains(OUTSIDER);
    assertThat(bucketPolicy(name)).contains("\"Sid\":\"Everyone\"");
    assertThat(
            client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .filter(e -> "DriftDetected".equals(e.getReason())))
        .as("one Warning for the drift, not one per check")
        .hasSize(1);
  }

  @Test
  void aPolicyReorderedAndReformattedButEqualInMeaningIsNoDriftAndMakesNoWrite() throws Exception {
    String name = "equal";
    create(name, "Repair");
    String roleName = role(name);
    String objects = rolePolicy(name, "xaccess-objects");
    String trust = trust(name);
    // As another tool would write the same documents back: statements and values in another
    // order, single values as lists, other whitespace, a Sid-less copy of the trust.
    Instant edit = now();
    putRolePolicy(roleName, "xaccess-objects", reformatted(objects));
    iam().updateAssumeRolePolicy(r -> r.roleName(roleName).policyDocument(reformatted(trust)));
    OperatorMetrics before = metrics();
    CrossAccountAccess checked =
        awaitCheck(name, edit, "a check", g -> "NoDrift".equals(Grants.reason(g, "Drifted")));
    // And one more check after it: no repair in a loop either.
    Instant next = Instant.parse(checked.getStatus().getDrift().getCheckedAt()).plusSeconds(1);
    awaitCheck(name, next, "a second check", g -> "NoDrift".equals(Grants.reason(g, "Drifted")));
    Map<String, Long> calls = metrics().awsCallsSince(before);
    assertThat(writes(calls)).as("the operator's writes to the role, bucket and key").isEmpty();
    assertThat(
            calls.entrySet().stream()
                .filter(e -> e.getKey().contains(":GetRole:success"))
                .mapToLong(Map.Entry::getValue)
                .sum())
        .as("the checks did read the role: " + calls)
        .isGreaterThanOrEqualTo(2);
  }

  /** The operator's own count of its AWS calls, from its metrics. */
  private static OperatorMetrics metrics() throws InterruptedException {
    return OperatorMetrics.scrape(operator.managementUri(Duration.ofSeconds(30)).getPort());
  }

  /** The drift repairs' writes among {@code calls}. */
  private static Map<String, Long> writes(Map<String, Long> calls) {
    Map<String, Long> out = new java.util.TreeMap<>();
    calls.forEach(
        (call, count) -> {
          String operation = call.split(":")[1];
          if (REPAIR_WRITES.contains(operation) && count > 0) {
            out.put(call, count);
          }
        });
    return out;
  }

  // --- managementPolicy Observe, and taking a runbook's stack over ---

  private static final String RUNBOOK_PROD = "runbook-prod";
  private static final String RUNBOOK_DEV = "runbook-dev";
  private static final String RUNBOOK_ROLE = "DevToProdRunbook";
  private static final String RUNBOOK_BUCKET = "xaccess-drift-runbook";
  private static final String RUNBOOK_CI = "runbook-ci";

  /** The runbook's two templates, deployed by hand as a team did before xaccess. */
  private static void runTheRunbook() throws Exception {
    accounts
        .development()
        .iam()
        .createRole(
            r ->
                r.roleName(RUNBOOK_CI)
                    .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}"));
    String productionTemplate = runbook("production.yaml");
    String developmentTemplate = runbook("development.yaml");
    var prod = accounts.production().cloudFormation(Region.AP_SOUTHEAST_2);
    prod.createStack(
        r ->
            r.stackName(RUNBOOK_PROD)
                .templateBody(productionTemplate)
                .parameters(
                    p -> p.parameterKey("DevelopmentAccountId").parameterValue("222222222222"),
                    p -> p.parameterKey("BucketName").parameterValue(RUNBOOK_BUCKET),
                    p -> p.parameterKey("RoleName").parameterValue(RUNBOOK_ROLE)));
    String roleArn = "arn:aws:iam::111111111111:role/" + RUNBOOK_ROLE;
    accounts
        .development()
        .cloudFormation(Region.US_EAST_1)
        .createStack(
            r ->
                r.stackName(RUNBOOK_DEV)
                    .templateBody(developmentTemplate)
                    .parameters(
                        p -> p.parameterKey("ProductionRoleArn").parameterValue(roleArn),
                        p -> p.parameterKey("PrincipalRoleNames").parameterValue(RUNBOOK_CI)));
    assertThat(
            prod.describeStacks(r -> r.stackName(RUNBOOK_PROD))
                .stacks()
                .get(0)
                .stackStatusAsString())
        .isEqualTo("CREATE_COMPLETE");
  }

  private static String runbook(String file) throws java.io.IOException {
    return Files.readString(Path.of("src", "test", "resources", "runbook", file));
  }

  private static software.amazon.awssdk.services.cloudformation.model.Stack runbookStack() {
    return accounts
        .production()
        .cloudFormation(Region.AP_SOUTHEAST_2)
        .describeStacks(r -> r.stackName(RUNBOOK_PROD))
        .stacks()
        .get(0);
  }

  @Test
  void aGrantTheRunbookMadeIsObservedReportedAndThenTakenOver() throws Exception {
    runTheRunbook();
    String roleId = iam().getRole(r -> r.roleName(RUNBOOK_ROLE)).role().roleId();
    s3().putObject(
            r -> r.bucket(RUNBOOK_BUCKET).key("releases/app-1.0.tgz"),
            software.amazon.awssdk.core.sync.RequestBody.fromString("user data"));
    String name = "runbook";
    client
        .resource(
            GrantYaml.of(ns, name)
                .bucket(RUNBOOK_BUCKET)
                .role(RUNBOOK_ROLE)
                .production("    stackName: " + RUNBOOK_PROD + "\n")
                .development(
                    "    principals: [arn:aws:iam::222222222222:role/" + RUNBOOK_CI + "]\n")
                .spec("  managementPolicy: Observe\n")
                .resource())
        .create();

    // Observed: reported as not matching what the spec would deploy, nothing changed.
    CrossAccountAccess observed =
        grants()
            .await(
                ns,
                name,
                "the runbook's grant observed",
                g ->
                    "DiffersFromSpec".equals(Grants.reason(g, "Ready"))
                        && Grants.has(g, "Drifted", "True"));
    assertThat(observed.getStatus().getPhase()).isEqualTo(io.xaccess.api.v1alpha1.Phase.Observed);
    assertThat(Grants.message(observed, "Drifted"))
        .contains("policy S3Access of role " + RUNBOOK_ROLE + ": added")
        .contains("policy xaccess-objects of role " + RUNBOOK_ROLE + ": deleted")
        .endsWith("(managementPolicy Observe: nothing is changed in AWS)");
    assertThat(observed.getStatus().getProduction().getStackName()).isEqualTo(RUNBOOK_PROD);
    assertThat(observed.getStatus().getProduction().getStackStatus()).isEqualTo("CREATE_COMPLETE");
    assertThat(Grants.message(observed, "ProductionStackReady")).contains("no xaccess grant");
    assertThat(runbookStack().tags()).isEmpty();
    assertThat(iam().listRolePolicies(r -> r.roleName(RUNBOOK_ROLE)).policyNames())
        .as("nothing changed in AWS")
        .containsExactly("S3Access");
    assertThat(
            accounts
                .development()
                .cloudFormation(Region.US_EAST_1)
                .listStacks()
                .stackSummaries()
                .stream()
                .filter(st -> st.stackName().equals(StackNames.development(ns, name))))
        .as("no development stack of xaccess's own")
        .isEmpty();

    // Managed: the runbook's production stack is taken over, the access proven, the drift put back.
    manage(name, io.xaccess.api.v1alpha1.ManagementPolicy.Manage);
    CrossAccountAccess adopted =
        grants()
            .await(
                ns,
                name,
                "taken over, verified and without drift",
                g ->
                    Grants.isTrue(g, "Ready")
                        && "AccessVerified".equals(Grants.reason(g, "Ready"))
                        && Grants.has(g, "Drifted", "False"));
    var stack = runbookStack();
    assertThat(stack.tags())
        .as("the stack is the grant's now")
        .anyMatch(
            t ->
                t.key().equals("xaccess.io/uid")
                    && t.value().equals(adopted.getMetadata().getUid()));
    assertThat(
            accounts
                .production()
                .cloudFormation(Region.AP_SOUTHEAST_2)
                .getTemplate(r -> r.stackName(RUNBOOK_PROD))
                .templateBody())
        .contains("xaccess production stack");
    assertThat(adopted.getStatus().getProduction().getStackName()).isEqualTo(RUNBOOK_PROD);
    assertThat(iam().getRole(r -> r.roleName(RUNBOOK_ROLE)).role().roleId())
        .as("the role was kept, not replaced")
        .isEqualTo(roleId);
    assertThat(iam().listRolePolicies(r -> r.roleName(RUNBOOK_ROLE)).policyNames())
        .as("the runbook's policy replaced by the template's")
        .doesNotContain("S3Access")
        .contains("xaccess-objects");
    assertThat(
            s3().getObjectAsBytes(r -> r.bucket(RUNBOOK_BUCKET).key("releases/app-1.0.tgz"))
                .asUtf8String())
        .as("user data kept")
        .isEqualTo("user data");
  }

  @Test
  void aGrantXaccessDeployedAndThenObservedMatches() throws Exception {
    String name = "observed";
    create(name, "Repair");
    manage(name, io.xaccess.api.v1alpha1.ManagementPolicy.Observe);
    CrossAccountAccess observed =
        grants()
            .await(
                ns,
                name,
                "observed as matching",
                g ->
                    g.getStatus().getPhase() == io.xaccess.api.v1alpha1.Phase.Observed
                        && "MatchesSpec".equals(Grants.reason(g, "Ready")));
    assertThat(Grants.isTrue(observed, "Ready")).isTrue();
    assertThat(Grants.reason(observed, "Drifted")).isEqualTo("NoDrift");
    // Deleting it leaves AWS as it is.
    client.resource(observed).delete();
    grants().awaitGone(ns, name);
    assertThat(iam().getRole(r -> r.roleName(role(name))).role()).isNotNull();
  }

  /** An inline policy of a role put by hand, as at the console. */
  private static void putRolePolicy(String role, String policy, String document) {
    iam().putRolePolicy(r -> r.roleName(role).policyName(policy).policyDocument(document));
  }

  /** Sets the grant's spec.managementPolicy, as a user's edit. */
  private static void manage(String name, io.xaccess.api.v1alpha1.ManagementPolicy policy) {
    client
        .resources(CrossAccountAccess.class)
        .inNamespace(ns)
        .withName(name)
        .edit(
            g -> {
              g.getSpec().setManagementPolicy(policy);
              return g;
            });
  }

  // --- the edits, as a person at the console would make them

  private static String withAction(String policy, String action) {
    ObjectNode doc = (ObjectNode) tree(policy);
    for (JsonNode statement : statements(doc)) {
      JsonNode actions = statement.path("Action");
      ArrayNode list = JSON.createArrayNode();
      if (actions.isArray()) {
        list.addAll((ArrayNode) actions);
      } else {
        list.add(actions.asText());
      }
      list.add(action);
      ((ObjectNode) statement).set("Action", list);
    }
    return text(doc);
  }

  private static String withTrustedOutsider(String trust) {
    ObjectNode doc = (ObjectNode) tree(trust);
    ObjectNode outsider = JSON.createObjectNode();
    outsider.put("Effect", "Allow");
    outsider.putObject("Principal").put("AWS", OUTSIDER);
    outsider.put("Action", "sts:AssumeRole");
    ArrayNode list = JSON.createArrayNode();
    statements(doc).forEach(list::add);
    list.add(outsider);
    doc.set("Statement", list);
    return text(doc);
  }

  private static String everyoneReads(String bucket) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Everyone\",\"Effect\":\"Allow\","
        + "\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::"
        + bucket
        + "/*\"}]}";
  }

  /** The same meaning in another form: statements reversed, lists reversed, pretty-printed. */
  private static String reformatted(String policy) {
    ObjectNode doc = (ObjectNode) tree(policy);
    List<JsonNode> list = new ArrayList<>();
    for (JsonNode statement : statements(doc)) {
      ObjectNode s = ((ObjectNode) statement).deepCopy();
      s.remove("Sid");
      for (String field : List.of("Action", "Resource")) {
        JsonNode value = s.path(field);
        if (value.isArray()) {
          List<JsonNode> values = new ArrayList<>();
          value.forEach(values::add);
          Collections.reverse(values);
          s.set(field, JSON.createArrayNode().addAll(values));
        } else if (value.isTextual()) {
          s.set(field, JSON.createArrayNode().add(value.asText()));
        }
      }
      list.add(s);
    }
    Collections.reverse(list);
    doc.set("Statement", JSON.createArrayNode().addAll(list));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String text(JsonNode json) {
    try {
      return JSON.writeValueAsString(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<JsonNode> statements(JsonNode doc) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode s = doc.path("Statement");
    if (s.isArray()) {
      s.forEach(out::add);
    } else if (!s.isMissingNode()) {
      out.add(s);
    }
    return out;
  }

  private static void assertSameMeaning(String live, String declared) {
    assertThat(
            PolicyDrift.changes(
                PolicyMeaning.parse(declared, "aws"), PolicyMeaning.parse(live, "aws")))
        .as("what moto holds now against what it held after the deployment")
        .isEmpty();
  }
}
