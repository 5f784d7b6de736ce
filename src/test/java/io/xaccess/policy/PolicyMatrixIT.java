package io.xaccess.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaccess.cloudformation.GrantStacks;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.cloudformation.StackTemplate;
import io.xaccess.grant.AccessState;
import io.xaccess.grant.Grant;
import io.xaccess.grant.SecretValue;
import io.xaccess.render.EffectivePolicies;
import io.xaccess.render.RenderSettings;
import io.xaccess.render.RenderedGrant;
import io.xaccess.render.RenderedTemplate;
import io.xaccess.verification.VerifierSessionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promise of the product, proven with a real IAM evaluator: the policies the templates render
 * for a concrete grant — trust policy, role permissions, bucket policy, key policy, development
 * assume policy, deployer roles — let exactly the intended principals in, under the intended
 * conditions, and nobody else, "even if they have IAM permissions". moto enforces none of them.
 */
class PolicyMatrixIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROD = "111111111111";
  private static final String DEV = "222222222222";
  private static final String OTHER = "333333333333";
  private static final String REGION = "ap-southeast-2";
  private static final String ROLE = "arn:aws:iam::" + PROD + ":role/DevToProdS3Publisher";

  /** The key the stack creates, as render shows it. */
  private static final String KEY = RenderedGrant.createdKeyArn("aws", REGION, PROD);

  private static final String BUCKET = "acme-prod-artifacts";
  private static final String OPERATOR_PROD = "arn:aws:iam::" + PROD + ":role/xaccess-deployer";
  private static final String OPERATOR_DEV = "arn:aws:iam::" + DEV + ":role/xaccess-deployer";
  private static final String CI_RUNNER = "arn:aws:iam::" + DEV + ":role/ci-runner";
  private static final String ORG = "o-a1b2c3d4e5";
  private static final String EXTERNAL_ID = "matrix-external-id";
  private static final String BOUNDARY_NAME = "xaccess-grant-boundary";
  private static final String PROD_BOUNDARY = "arn:aws:iam::" + PROD + ":policy/" + BOUNDARY_NAME;
  private static final String DEV_BOUNDARY = "arn:aws:iam::" + DEV + ":policy/" + BOUNDARY_NAME;

  /** The operator's own identity (IRSA / Pod Identity role), in its own account. */
  private static final String OPERATOR = "arn:aws:iam::999999999999:role/xaccess-operator";

  /** The deployer templates' ClusterName and AllowedNamespaces in the matrix. */
  private static final String CLUSTER = "prod-eks";

  private static final String ALLOWED_NAMESPACES = "platform,team-*";
  private static final String ASSUME_POLICY =
      "arn:aws:iam::" + DEV + ":policy/xaccess-platform-ci-publisher-dev-AssumePolicy-1";

  /** The revocation bound of the expired and revoked renders (RevokeSessionsBefore). */
  private static final Instant REVOKED_BEFORE = Instant.parse("2026-12-01T10:00:00Z");

  private static Policies hardened;
  private static Policies mfa;

  /** The hardened grant after its expiry: AccessOpen=false, sessions before the expiry revoked. */
  private static Policies expired;

  /** The hardened grant, open, after xaccess.io/revoke-sessions-before: RevokeSessionsBefore. */
  private static Policies revoked;

  private static Policies sso;
  private static Policies commaPrincipal;
  private static Policies wildcardPrefix;

  /** The policies of one rendered grant, plus the deployer roles'. */
  private record Policies(
      JsonNode trust,
      List<JsonNode> rolePolicies,
      JsonNode bucketPolicy,
      JsonNode keyPolicy,
      JsonNode assumePolicy,
      JsonNode verifierPolicy,
      String verifierArn,
      String verifierSession,
      JsonNode verifierSessionPolicy,
      List<JsonNode> productionDeployer,
      JsonNode productionBoundary,
      List<JsonNode> developmentDeployer,
      JsonNode developmentBoundary,
      JsonNode productionDeployerTrust,
      JsonNode developmentDeployerTrust) {}

  /** A deployer template's role policies, the permissions boundary it creates, and its trust. */
  private record Deployer(List<JsonNode> policies, JsonNode boundary, JsonNode trust) {}

  /**
   * One API call and what must come of it. A call AWS authorizes as several actions (a tagged
   * AssumeRole is sts:AssumeRole and sts:TagSession on the role) is allowed only when each is.
   */
  private record Case(String name, boolean allowed, List<JsonNode> simulations) {
    Case(String name, boolean allowed, JsonNode simulation) {
      this(name, allowed, List.of(simulation));
    }
  }

  @BeforeAll
  static void render() throws Exception {
    Grant hardenedGrant =
        grant(
            List.of(CI_RUNNER, "arn:aws:iam::" + DEV + ":role/release-*"),
            new Grant.Trust(
                List.of("us-east-1", REGION),
                false,
                Optional.of(ORG),
                Optional.of(new SecretValue(EXTERNAL_ID)),
                "v1",
                Optional.empty()));
    hardened = policies(hardenedGrant);
    expired = policies(hardenedGrant, new AccessState(false, Optional.of(REVOKED_BEFORE)));
    revoked = policies(hardenedGrant, new AccessState(true, Optional.of(REVOKED_BEFORE)));
    // The closed development stack holds no assume permission at all: the cases below then show
    // that even against the open trust nothing on the development side allows sts:AssumeRole.
    assertThat(expired.assumePolicy()).as("closed: the assume policy").isNull();
    assertThat(expired.verifierPolicy()).as("closed: the verifier's permission").isNull();
    assertThat(revoked.assumePolicy()).as("revoked: the assume policy stays").isNotNull();
    mfa =
        policies(
            grant(
                List.of("arn:aws:iam::" + DEV + ":user/alice"),
                new Grant.Trust(
                    List.of(),
                    true,
                    Optional.empty(),
                    Optional.empty(),
                    "",
                    Optional.of(Duration.ofHours(1)))));
    sso =
        policies(
            grant(
                List.of(CI_RUNNER),
                Optional.of(new Grant.Assumer("DevToProdS3Assumer", "SSO")),
                "releases/",
                noTrust()));
    // What admission refuses, rendered anyway: the hazard each refusal prevents.
    commaPrincipal =
        policies(
            grant(
                List.of("arn:aws:iam::" + DEV + ":role/x,arn:aws:iam::" + DEV + ":*"),
                Optional.empty(),
                "releases/",
                noTrust()));
    wildcardPrefix = policies(grant(List.of(CI_RUNNER), Optional.empty(), "*", noTrust()));
  }

  private static Grant.Trust noTrust() {
    return new Grant.Trust(
        List.of(), false, Optional.empty(), Optional.empty(), "", Optional.empty());
  }

  @Test
  void everyRequestGetsTheIntendedDecision() throws Exception {
    List<Case> cases = cases(hardened, mfa);
    List<String> results = decisions(cases);

    List<String> report = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      String result = results.get(i);
      boolean ok = c.allowed() ? "Allowed".equals(result) : result.endsWith("Denied");
      report.add(
          String.format(
              "%-3d %-78s expected %-7s got %s",
              i + 1, c.name(), c.allowed() ? "Allow" : "Deny", result));
      if (!ok) {
        wrong.add(c.name() + ": " + result);
      }
    }
    System.out.println("Policy matrix (" + cases.size() + " cases):\n" + String.join("\n", report));
    assertThat(cases).hasSizeGreaterThanOrEqualTo(119);
    assertThat(wrong).as("requests with the wrong decision").isEmpty();
  }

  /**
   * Each case's decision: Allowed when every action of the call is, else the first action's denial
   * (or the evaluator's error).
   */
  private static List<String> decisions(List<Case> cases) throws Exception {
    List<String> flat =
        IamSimulator.evaluate(cases.stream().flatMap(c -> c.simulations().stream()).toList());
    List<String> decisions = new ArrayList<>();
    int next = 0;
    for (Case c : cases) {
      List<String> parts = flat.subList(next, next + c.simulations().size());
      next += c.simulations().size();
      decisions.add(
          parts.stream()
              .filter(r -> r.startsWith("Error"))
              .findFirst()
              .or(() -> parts.stream().filter(r -> !"Allowed".equals(r)).findFirst())
              .orElse("Allowed"));
    }
    return decisions;
  }

  /**
   * The matrix has teeth on the deployer's trust: without its namespace condition, a session tagged
   * with a namespace the account owner never listed gets in.
   */
  @Test
  void removingTheNamespaceConditionLetsAnUnlistedNamespaceIn() throws Exception {
    JsonNode intact = hardened.productionDeployerTrust();
    ObjectNode broken = intact.deepCopy();
    for (JsonNode statement : broken.get("Statement")) {
      ((ObjectNode) statement.get("Condition")).remove("StringLike");
    }
    Map<String, String> intruder = deployerTags(CLUSTER, "intruder");

    assertThat(
            decisions(
                List.of(
                    new Case("intact", false, deployerSession(OPERATOR_PROD, intact, intruder)),
                    new Case("broken", true, deployerSession(OPERATOR_PROD, broken, intruder)))))
        .containsExactly("ImplicitlyDenied", "Allowed");
  }

  /**
   * And on the expiry: a session issued after the bound, while the closed configuration was being
   * applied, gets the object through the closed role without the xaccess-expired policy, and not
   * with it.
   */
  @Test
  void withoutTheExpiredPolicyASessionFromTheClosingWindowGetsIn() throws Exception {
    assertDeniedOnlyWith(expired, "xaccess-expired", issued(REVOKED_BEFORE.plusSeconds(30)));
  }

  /**
   * The matrix has teeth on the revocation: the same session, issued before the bound, gets the
   * object through the role without the xaccess-revoked-sessions policy, and not with it.
   */
  @Test
  void withoutTheRevocationPolicyAnOldSessionGetsIn() throws Exception {
    assertDeniedOnlyWith(
        revoked, "xaccess-revoked-sessions", issued(REVOKED_BEFORE.minusSeconds(3600)));
  }

  /**
   * The session gets an object through the role with the grant's policies explicitly denied, and
   * allowed once the role policy {@code named} is taken away: that policy is what denies it.
   */
  private static void assertDeniedOnlyWith(
      Policies policies, String named, Map<String, Object> session) throws Exception {
    String object = "arn:aws:s3:::" + BUCKET + "/releases/app.tgz";
    List<JsonNode> without =
        policies.rolePolicies().stream()
            .filter(p -> !named.equals(p.path("name").asText()))
            .toList();
    assertThat(without).hasSize(policies.rolePolicies().size() - 1);
    assertThat(
            IamSimulator.evaluate(
                List.of(
                    s3(
                        ROLE,
                        "s3:GetObject",
                        object,
                        policies.bucketPolicy(),
                        policies.rolePolicies(),
                        session),
                    s3(ROLE, "s3:GetObject", object, policies.bucketPolicy(), without, session))))
        .containsExactly("ExplicitlyDenied", "Allowed");
  }

  /** The matrix has teeth: with the bucket policy's lock-out removed, an admin gets in. */
  @Test
  void removingTheBucketPolicyDenyLetsAnAdminRead() throws Exception {
    ObjectNode broken = hardened.bucketPolicy().deepCopy();
    ArrayNode statements = (ArrayNode) broken.get("Statement");
    for (int i = statements.size() - 1; i >= 0; i--) {
      if ("DenyObjectAccessToEveryoneElse".equals(statements.get(i).path("Sid").asText())) {
        statements.remove(i);
      }
    }
    JsonNode intact = adminRead(hardened.bucketPolicy());
    JsonNode withoutDeny = adminRead(broken);

    assertThat(IamSimulator.evaluate(List.of(intact, withoutDeny)))
        .containsExactly("ExplicitlyDenied", "Allowed");
  }

  /**
   * The matrix has teeth on the deployer too: a deployer whose name falls inside the grant-role
   * pattern (a misconfiguration) is kept from rewriting its own trust only by its explicit
   * self-Deny; without it, a compromised operator could make the deployer trust anyone.
   */
  @Test
  void removingTheDeployerSelfDenyLetsItRewriteItsOwnTrust() throws Exception {
    String self = "arn:aws:iam::" + PROD + ":role/DevToProdDeployer";
    List<JsonNode> intact =
        productionDeployer(Map.of("DeployerRoleName", "DevToProdDeployer")).policies();
    List<JsonNode> broken = new ArrayList<>();
    for (JsonNode policy : intact) {
      ObjectNode copy = policy.deepCopy();
      ArrayNode statements = (ArrayNode) copy.path("policy").path("Statement");
      for (int i = statements.size() - 1; i >= 0; i--) {
        if ("NeverItself".equals(statements.get(i).path("Sid").asText())) {
          statements.remove(i);
        }
      }
      broken.add(copy);
    }
    assertThat(
            IamSimulator.evaluate(
                List.of(
                    IamSimulator.request(
                        self, "iam:UpdateAssumeRolePolicy", self, PROD, null, intact, Map.of()),
                    IamSimulator.request(
                        self, "iam:UpdateAssumeRolePolicy", self, PROD, null, broken, Map.of()))))
        .containsExactly("ExplicitlyDenied", "Allowed");
  }

  /**
   * The production template refuses, by AllowedPattern, the input whose hazards the matrix shows: a
   * bare wildcard principal, wildcard and policy-variable prefixes, an empty or foreign
   * verification prefix (its lifecycle rule would expire the users' objects).
   */
  @Test
  void theProductionTemplateRefusesWildcardInput() throws Exception {
    RenderedTemplate prod =
        RenderedTemplate.of(StackTemplate.PRODUCTION, PROD, REGION, "aws", Map.of(), Map.of());
    assertThat(prod.accepts("PrincipalArnPatterns", CI_RUNNER + ",arn:aws:iam::" + DEV + ":*"))
        .isTrue();
    assertThat(prod.accepts("PrincipalArnPatterns", "arn:aws:iam::" + DEV + ":role/x,*")).isFalse();
    assertThat(
            prod.accepts("PrincipalArnPatterns", "arn:aws:iam::" + DEV + ":role/${aws:username}"))
        .isFalse();
    assertThat(prod.accepts("ObjectPrefix", "")).isTrue();
    assertThat(prod.accepts("ObjectPrefix", "releases/")).isTrue();
    for (String bad : List.of("*", "*/", "rel?ases/", "${aws:username}/", "releases")) {
      assertThat(prod.accepts("ObjectPrefix", bad)).as(bad).isFalse();
    }
    assertThat(prod.accepts("VerificationPrefix", "releases/xaccess-verification/")).isTrue();
    assertThat(prod.accepts("VerificationPrefix", "xaccess-verification/")).isTrue();
    for (String bad : List.of("", "releases/", "*xaccess-verification/", "releases/*")) {
      assertThat(prod.accepts("VerificationPrefix", bad)).as(bad).isFalse();
    }
  }

  private static JsonNode adminRead(JsonNode bucketPolicy) {
    return s3(
        "arn:aws:iam::" + PROD + ":role/Admin",
        "s3:GetObject",
        "arn:aws:s3:::" + BUCKET + "/releases/app.tgz",
        bucketPolicy,
        List.of(IamSimulator.named("AdministratorAccess", allowAll())),
        Map.of("aws:SecureTransport", "true"));
  }

  private static List<Case> cases(Policies p, Policies m) throws Exception {
    List<Case> cases = new ArrayList<>();
    Map<String, Object> good = trustContext(CI_RUNNER, "us-east-1", ORG, EXTERNAL_ID, false);
    List<JsonNode> devAssume = List.of(IamSimulator.named("xaccess-assume", p.assumePolicy()));

    // Trust: who may assume the production role.
    cases.add(
        new Case(
            "listed dev role, allowed region, org, external id",
            true,
            assume(CI_RUNNER, p.trust(), devAssume, good)));
    cases.add(
        new Case(
            "dev role matching a listed pattern (release-*)",
            true,
            assume(
                "arn:aws:iam::" + DEV + ":role/release-2026",
                p.trust(),
                devAssume,
                trustContext(
                    "arn:aws:iam::" + DEV + ":role/release-2026",
                    REGION,
                    ORG,
                    EXTERNAL_ID,
                    false))));
    cases.add(
        new Case(
            "listed dev role from a region not allowed",
            false,
            assume(
                CI_RUNNER,
                p.trust(),
                devAssume,
                trustContext(CI_RUNNER, "eu-west-1", ORG, EXTERNAL_ID, false))));
    cases.add(
        new Case(
            "listed dev role without the external id",
            false,
            assume(
                CI_RUNNER,
                p.trust(),
                devAssume,
                trustContext(CI_RUNNER, "us-east-1", ORG, null, false))));
    cases.add(
        new Case(
            "listed dev role with a wrong external id",
            false,
            assume(
                CI_RUNNER,
                p.trust(),
                devAssume,
                trustContext(CI_RUNNER, "us-east-1", ORG, "guess", false))));
    cases.add(
        new Case(
            "listed dev role from another organization",
            false,
            assume(
                CI_RUNNER,
                p.trust(),
                devAssume,
                trustContext(CI_RUNNER, "us-east-1", "o-otherorg123", EXTERNAL_ID, false))));
    cases.add(
        new Case(
            "unlisted dev role, even with sts:AssumeRole allowed",
            false,
            assume(
                "arn:aws:iam::" + DEV + ":role/intern",
                p.trust(),
                devAssume,
                trustContext(
                    "arn:aws:iam::" + DEV + ":role/intern",
                    "us-east-1",
                    ORG,
                    EXTERNAL_ID,
                    false))));
    cases.add(
        new Case(
            "principal of a third account with full IAM rights",
            false,
            assume(
                "arn:aws:iam::" + OTHER + ":role/ci-runner",
                p.trust(),
                List.of(IamSimulator.named("all", allowAll())),
                trustContext(
                    "arn:aws:iam::" + OTHER + ":role/ci-runner",
                    "us-east-1",
                    ORG,
                    EXTERNAL_ID,
                    false))));
    cases.add(
        new Case(
            "listed dev role whose own account does not allow sts:AssumeRole",
            false,
            assume(CI_RUNNER, p.trust(), List.of(), good)));
    cases.add(
        new Case(
            "operator's verifier role, no MFA",
            true,
            assume(
                p.verifierArn(),
                p.trust(),
                List.of(IamSimulator.named("verifier", p.verifierPolicy())),
                verifier(p, trustContext(p.verifierArn(), "us-east-1", ORG, EXTERNAL_ID, false)))));
    cases.add(
        new Case(
            "operator's verifier role from a region not allowed",
            false,
            assume(
                p.verifierArn(),
                p.trust(),
                List.of(IamSimulator.named("verifier", p.verifierPolicy())),
                verifier(p, trustContext(p.verifierArn(), "eu-west-1", ORG, EXTERNAL_ID, false)))));
    // MFA grant: IAM users must present MFA, the verifier need not.
    String alice = "arn:aws:iam::" + DEV + ":user/alice";
    List<JsonNode> mfaAssume = List.of(IamSimulator.named("xaccess-assume", m.assumePolicy()));
    cases.add(
        new Case(
            "requireMfa: listed user with MFA",
            true,
            assume(
                alice, m.trust(), mfaAssume, trustContext(alice, "us-east-1", null, null, true))));
    cases.add(
        new Case(
            "requireMfa: listed user without MFA",
            false,
            assume(
                alice, m.trust(), mfaAssume, trustContext(alice, "us-east-1", null, null, false))));
    cases.add(
        new Case(
            "requireMfa: operator's verifier without MFA",
            true,
            assume(
                m.verifierArn(),
                m.trust(),
                List.of(IamSimulator.named("verifier", m.verifierPolicy())),
                verifier(m, trustContext(m.verifierArn(), "us-east-1", null, null, false)))));

    // The role's S3 access, through its own policies and the bucket policy.
    String object = "arn:aws:s3:::" + BUCKET + "/releases/app.tgz";
    Map<String, Object> tls = Map.of("aws:SecureTransport", "true");
    cases.add(
        new Case(
            "role puts an object under the prefix",
            true,
            s3(ROLE, "s3:PutObject", object, p.bucketPolicy(), p.rolePolicies(), tls)));
    cases.add(
        new Case(
            "role gets an object under the prefix",
            true,
            s3(ROLE, "s3:GetObject", object, p.bucketPolicy(), p.rolePolicies(), tls)));
    cases.add(
        new Case(
            "role puts an object outside the prefix",
            false,
            s3(
                ROLE,
                "s3:PutObject",
                "arn:aws:s3:::" + BUCKET + "/other/app.tgz",
                p.bucketPolicy(),
                p.rolePolicies(),
                tls)));
    cases.add(
        new Case(
            "role deletes an object (action not granted)",
            false,
            s3(ROLE, "s3:DeleteObject", object, p.bucketPolicy(), p.rolePolicies(), tls)));
    cases.add(
        new Case(
            "role lists under the prefix",
            true,
            s3(
                ROLE,
                "s3:ListBucket",
                "arn:aws:s3:::" + BUCKET,
                p.bucketPolicy(),
                p.rolePolicies(),
                Map.of("aws:SecureTransport", "true", "s3:prefix", "releases/"))));
    cases.add(
        new Case(
            "role lists outside the prefix",
            false,
            s3(
                ROLE,
                "s3:ListBucket",
                "arn:aws:s3:::" + BUCKET,
                p.bucketPolicy(),
                p.rolePolicies(),
                Map.of("aws:SecureTransport", "true", "s3:prefix", "other/"))));
    cases.add(
        new Case(
            "role puts an object without TLS",
            false,
            s3(
                ROLE,
                "s3:PutObject",
                object,
                p.bucketPolicy(),
                p.rolePolicies(),
                Map.of("aws:SecureTransport", "false"))));

    // Everybody else, whatever their IAM permissions.
    String admin = "arn:aws:iam::" + PROD + ":role/Admin";
    cases.add(new Case("production admin reads an object", false, adminRead(p.bucketPolicy())));
    cases.add(
        new Case(
            "production admin overwrites an object",
            false,
            s3(
                admin,
                "s3:PutObject",
                object,
                p.bucketPolicy(),
                List.of(IamSimulator.named("AdministratorAccess", allowAll())),
                tls)));
    cases.add(
        new Case(
            "third-account principal with full rights reads an object",
            false,
            s3(
                "arn:aws:iam::" + OTHER + ":role/thief",
                "s3:GetObject",
                object,
                p.bucketPolicy(),
                List.of(IamSimulator.named("all", allowAll())),
                tls)));
    cases.add(
        new Case(
            "operator removes its verification object",
            true,
            s3(
                OPERATOR_PROD,
                "s3:DeleteObjectVersion",
                "arn:aws:s3:::" + BUCKET + "/releases/xaccess-verification/uid/1.txt",
                p.bucketPolicy(),
                p.productionDeployer(),
                tls)));
    cases.add(
        new Case(
            "operator reads user data",
            false,
            s3(
                OPERATOR_PROD,
                "s3:GetObject",
                object,
                p.bucketPolicy(),
                p.productionDeployer(),
                tls)));
    cases.add(
        new Case(
            "operator deletes user data",
            false,
            s3(
                OPERATOR_PROD,
                "s3:DeleteObjectVersion",
                object,
                p.bucketPolicy(),
                p.productionDeployer(),
                tls)));

    // The grant's KMS key: the role only through S3.
    Map<String, Object> viaS3 =
        Map.of("kms:ViaService", "s3." + REGION + ".amazonaws.com", "kms:CallerAccount", PROD);
    cases.add(
        new Case(
            "role decrypts through S3",
            true,
            kms(ROLE, "kms:Decrypt", p.keyPolicy(), p.rolePolicies(), viaS3)));
    cases.add(
        new Case(
            "role generates a data key through S3",
            true,
            kms(ROLE, "kms:GenerateDataKey", p.keyPolicy(), p.rolePolicies(), viaS3)));
    cases.add(
        new Case(
            "role decrypts directly",
            false,
            kms(
                ROLE,
                "kms:Decrypt",
                p.keyPolicy(),
                p.rolePolicies(),
                Map.of("kms:CallerAccount", PROD))));
    cases.add(
        new Case(
            "role schedules the key's deletion",
            false,
            kms(ROLE, "kms:ScheduleKeyDeletion", p.keyPolicy(), p.rolePolicies(), Map.of())));
    cases.add(
        new Case(
            "development principal decrypts with the key",
            false,
            kms(
                CI_RUNNER,
                "kms:Decrypt",
                p.keyPolicy(),
                List.of(IamSimulator.named("all", allowAll())),
                Map.of("kms:ViaService", "s3." + REGION + ".amazonaws.com"))));

    // The development assume policy grants exactly one role.
    cases.add(
        new Case(
            "dev role assumes another production role",
            false,
            IamSimulator.request(
                CI_RUNNER,
                "sts:AssumeRole",
                "arn:aws:iam::" + PROD + ":role/Other",
                PROD,
                allowAccount(DEV),
                devAssume,
                Map.of("aws:PrincipalArn", CI_RUNNER))));

    // The deployer roles may make every CloudFormation call the operator makes, on its stacks
    // (the calls read from the compiled gateway, so a new call without a permission fails here).
    for (String action : CloudFormationCalls.actions()) {
      String resource =
          action.equals("cloudformation:ListStacks")
              ? "*"
              : "arn:aws:cloudformation:"
                  + REGION
                  + ":"
                  + PROD
                  // Change set calls, too, are authorized on the stack.
                  + ":stack/xaccess-platform-ci-publisher-prod/abc";
      cases.add(
          new Case(
              "production deployer: " + action + " on an xaccess stack",
              true,
              IamSimulator.request(
                  OPERATOR_PROD, action, resource, PROD, null, p.productionDeployer(), Map.of())));
      cases.add(
          new Case(
              "development deployer: " + action + " on an xaccess stack",
              true,
              IamSimulator.request(
                  OPERATOR_DEV,
                  action,
                  resource.replace(PROD, DEV).replace("-prod", "-dev"),
                  DEV,
                  null,
                  p.developmentDeployer(),
                  Map.of())));
    }

    // The deployer roles: only xaccess stacks, only the xaccess assume policy attached.
    // KMS: identity policies count only where the key policy lets the account's IAM decide (the
    // standard statement every xaccess key has; the account's other keys usually do too).
    Map<String, Object> grantKey = Map.of("aws:ResourceTag/xaccess.io/uid", "0b7f3c1e");
    cases.add(
        new Case(
            "production deployer schedules deletion of a grant's key (uid-tagged)",
            true,
            IamSimulator.request(
                OPERATOR_PROD,
                "kms:ScheduleKeyDeletion",
                KEY,
                PROD,
                p.keyPolicy(),
                p.productionDeployer(),
                grantKey)));
    cases.add(
        new Case(
            "production deployer schedules deletion of an account key without the uid tag",
            false,
            IamSimulator.request(
                OPERATOR_PROD,
                "kms:ScheduleKeyDeletion",
                KEY,
                PROD,
                p.keyPolicy(),
                p.productionDeployer(),
                Map.of())));
    cases.add(
        new Case(
            "production deployer tags an account key with a uid to make it look like a grant's",
            false,
            IamSimulator.request(
                OPERATOR_PROD,
                "kms:TagResource",
                KEY,
                PROD,
                p.keyPolicy(),
                p.productionDeployer(),
                Map.of("aws:TagKeys", List.of("xaccess.io/uid")))));
    cases.add(
        new Case(
            "production deployer rewrites the policy of an account key without the uid tag",
            false,
            IamSimulator.request(
                OPERATOR_PROD,
                "kms:PutKeyPolicy",
                KEY,
                PROD,
                p.keyPolicy(),
                p.productionDeployer(),
                Map.of())));
    cases.add(
        new Case(
            "production deployer creates an xaccess stack",
            true,
            IamSimulator.request(
                OPERATOR_PROD,
                "cloudformation:CreateStack",
                "arn:aws:cloudformation:"
                    + REGION
                    + ":"
                    + PROD
                    + ":stack/xaccess-platform-ci-publisher-prod/abc",
                PROD,
                null,
                p.productionDeployer(),
                Map.of())));
    cases.add(
        new Case(
            "production deployer creates any other stack",
            false,
            IamSimulator.request(
                OPERATOR_PROD,
                "cloudformation:CreateStack",
                "arn:aws:cloudformation:" + REGION + ":" + PROD + ":stack/payments/abc",
                PROD,
                null,
                p.productionDeployer(),
                Map.of())));
    cases.add(
        new Case(
            "production deployer creates a role outside the grant pattern",
            false,
            IamSimulator.request(
                OPERATOR_PROD,
                "iam:CreateRole",
                "arn:aws:iam::" + PROD + ":role/Admin",
                PROD,
                null,
                p.productionDeployer(),
                Map.of())));
    cases.add(
        new Case(
            "development deployer attaches AdministratorAccess",
            false,
            IamSimulator.request(
                OPERATOR_DEV,
                "iam:AttachRolePolicy",
                CI_RUNNER,
                DEV,
                null,
                p.developmentDeployer(),
                Map.of("iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess"))));
    cases.add(
        new Case(
            "development deployer attaches the xaccess assume policy to an opted-in role",
            true,
            devDeployer(p, "iam:AttachRolePolicy", CI_RUNNER, attach(ASSUME_POLICY, "true"))));
    deployerTrust(cases, p);
    driftRepairs(cases, p);
    adoptableStacks(cases, p);
    selfEscalation(cases, p);
    boundaries(cases, p);
    verifierSession(cases, p);
    refusedInput(cases);
    mfaAge(cases, m);
    expiry(cases, p, expired);
    revocation(cases, revoked);
    return cases;
  }

  /**
   * The account owner's consent: a deployer role admits the operator only in sessions tagged with
   * its ClusterName and one of its AllowedNamespaces, and with no other tag — whatever namespace a
   * policy object in the cluster lets use the account.
   */
  private static void deployerTrust(List<Case> cases, Policies p) throws Exception {
    for (String side : List.of("production", "development")) {
      String deployer = side.equals("production") ? OPERATOR_PROD : OPERATOR_DEV;
      JsonNode trust =
          side.equals("production") ? p.productionDeployerTrust() : p.developmentDeployerTrust();
      cases.add(
          new Case(
              side + " deployer: session of a listed namespace",
              true,
              deployerSession(deployer, trust, deployerTags(CLUSTER, "platform"))));
      cases.add(
          new Case(
              side + " deployer: session of a namespace matching a listed pattern (team-*)",
              true,
              deployerSession(deployer, trust, deployerTags(CLUSTER, "team-payments"))));
      cases.add(
          new Case(
              side + " deployer: session of an unlisted namespace",
              false,
              deployerSession(deployer, trust, deployerTags(CLUSTER, "intruder"))));
      cases.add(
          new Case(
              side + " deployer: listed namespace of another cluster",
              false,
              deployerSession(deployer, trust, deployerTags("staging-eks", "platform"))));
      Map<String, String> clusterOnly = new LinkedHashMap<>();
      clusterOnly.put("xaccess:cluster", CLUSTER);
      cases.add(
          new Case(
              side + " deployer: session without the namespace tag",
              false,
              deployerSession(deployer, trust, clusterOnly)));
      cases.add(
          new Case(
              side + " deployer: untagged session (an operator before session tags)",
              false,
              deployerSession(deployer, trust, Map.of())));
      Map<String, String> extra = deployerTags(CLUSTER, "platform");
      extra.put("xaccess.io/attachable", "true");
      cases.add(
          new Case(
              side + " deployer: listed namespace plus a foreign tag",
              false,
              deployerSession(deployer, trust, extra)));
      Map<String, String> listedAndUnlisted = deployerTags(CLUSTER, "platform");
      listedAndUnlisted.put("xaccess:namespace2", "intruder");
      cases.add(
          new Case(
              side + " deployer: listed namespace plus a second namespace tag",
              false,
              deployerSession(deployer, trust, listedAndUnlisted)));
      cases.add(
          new Case(
              side + " deployer: another principal of the operator's account",
              false,
              deployerSession(
                  "arn:aws:iam::999999999999:role/ci",
                  deployer,
                  trust,
                  deployerTags(CLUSTER, "platform"),
                  null)));
    }
    // The external id still holds on the tagged AssumeRole.
    JsonNode withExternalId =
        deployer(
                "deploy/aws/production-deployer.yaml",
                PROD,
                PROD_BOUNDARY,
                Map.of(
                    "GrantRoleNamePattern",
                    "DevToProd*",
                    "BucketNamePattern",
                    "acme-prod-*",
                    "ExternalId",
                    "deployer-external-id"))
            .trust();
    cases.add(
        new Case(
            "production deployer with an external id: listed namespace and the external id",
            true,
            deployerSession(
                OPERATOR,
                OPERATOR_PROD,
                withExternalId,
                deployerTags(CLUSTER, "platform"),
                "deployer-external-id")));
    cases.add(
        new Case(
            "production deployer with an external id: listed namespace, no external id",
            false,
            deployerSession(
                OPERATOR, OPERATOR_PROD, withExternalId, deployerTags(CLUSTER, "platform"), null)));
  }

  /** Deployer roles that hold when the operator is compromised: never themselves, nothing else. */
  private static void selfEscalation(List<Case> cases, Policies p) {
    Map<String, Object> bounded = Map.of("iam:PermissionsBoundary", PROD_BOUNDARY);
    for (String action : List.of("iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy")) {
      cases.add(
          new Case(
              "production deployer " + action + " on itself",
              false,
              prodDeployer(
                  p,
                  action,
                  OPERATOR_PROD,
                  action.equals("iam:PutRolePolicy") ? bounded : Map.of())));
    }
    cases.add(
        new Case(
            "production deployer attaches AdministratorAccess to itself",
            false,
            prodDeployer(
                p,
                "iam:AttachRolePolicy",
                OPERATOR_PROD,
                Map.of("iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess"))));
    String admin = "arn:aws:iam::" + PROD + ":role/Admin";
    cases.add(
        new Case(
            "production deployer rewrites the trust of a role outside the grant pattern",
            false,
            prodDeployer(p, "iam:UpdateAssumeRolePolicy", admin, Map.of())));
    cases.add(
        new Case(
            "production deployer puts a policy on a role outside the pattern, with the boundary",
            false,
            prodDeployer(p, "iam:PutRolePolicy", admin, bounded)));
    cases.add(
        new Case(
            "development deployer rewrites its own trust",
            false,
            devDeployer(p, "iam:UpdateAssumeRolePolicy", OPERATOR_DEV, Map.of())));
    cases.add(
        new Case(
            "development deployer puts a policy on itself, with the boundary",
            false,
            devDeployer(
                p,
                "iam:PutRolePolicy",
                OPERATOR_DEV,
                Map.of("iam:PermissionsBoundary", DEV_BOUNDARY))));
    cases.add(
        new Case(
            "development deployer attaches an xaccess policy to itself, even if tagged",
            false,
            devDeployer(p, "iam:AttachRolePolicy", OPERATOR_DEV, attach(ASSUME_POLICY, "true"))));
    cases.add(
        new Case(
            "development deployer rewrites the trust of an existing dev role",
            false,
            devDeployer(p, "iam:UpdateAssumeRolePolicy", CI_RUNNER, Map.of())));
    cases.add(
        new Case(
            "development deployer attaches the assume policy to an untagged role",
            false,
            devDeployer(p, "iam:AttachRolePolicy", CI_RUNNER, attach(ASSUME_POLICY, null))));
    cases.add(
        new Case(
            "development deployer attaches the assume policy to an opted-in user",
            true,
            devDeployer(
                p,
                "iam:AttachUserPolicy",
                "arn:aws:iam::" + DEV + ":user/alice",
                attach(ASSUME_POLICY, "true"))));
    cases.add(
        new Case(
            "development deployer opts a role in (tags it xaccess.io/attachable)",
            false,
            devDeployer(
                p,
                "iam:TagRole",
                p.verifierArn(),
                Map.of("aws:TagKeys", List.of("xaccess.io/attachable")))));
    cases.add(
        new Case(
            "development deployer attaches its boundary as permissions to an opted-in role",
            false,
            devDeployer(p, "iam:AttachRolePolicy", CI_RUNNER, attach(DEV_BOUNDARY, "true"))));
  }

  /** Every role the deployers create carries a boundary they can neither skip nor change. */
  private static void boundaries(List<Case> cases, Policies p) {
    String newRole = "arn:aws:iam::" + PROD + ":role/DevToProdS3Writer";
    cases.add(
        new Case(
            "production deployer creates a grant role without the boundary",
            false,
            prodDeployer(p, "iam:CreateRole", newRole, Map.of())));
    cases.add(
        new Case(
            "production deployer creates a grant role with another boundary",
            false,
            prodDeployer(
                p,
                "iam:CreateRole",
                newRole,
                Map.of(
                    "iam:PermissionsBoundary",
                    "arn:aws:iam::" + PROD + ":policy/xaccess-wide-open"))));
    cases.add(
        new Case(
            "production deployer creates a grant role with the boundary",
            true,
            prodDeployer(
                p, "iam:CreateRole", newRole, Map.of("iam:PermissionsBoundary", PROD_BOUNDARY))));
    cases.add(
        new Case(
            "production deployer removes a grant role's boundary",
            false,
            prodDeployer(p, "iam:DeleteRolePermissionsBoundary", ROLE, Map.of())));
    cases.add(
        new Case(
            "production deployer writes a new version of the boundary",
            false,
            prodDeployer(p, "iam:CreatePolicyVersion", PROD_BOUNDARY, Map.of())));
    cases.add(
        new Case(
            "development deployer writes a new version of its boundary (an xaccess-* name)",
            false,
            devDeployer(p, "iam:CreatePolicyVersion", DEV_BOUNDARY, Map.of())));
    cases.add(
        new Case(
            "development deployer creates the verifier role without the boundary",
            false,
            devDeployer(p, "iam:CreateRole", p.verifierArn(), Map.of())));
    cases.add(
        new Case(
            "development deployer creates the verifier role with the boundary",
            true,
            devDeployer(
                p,
                "iam:CreateRole",
                p.verifierArn(),
                Map.of("iam:PermissionsBoundary", DEV_BOUNDARY))));
    Map<String, Object> tls = Map.of("aws:SecureTransport", "true");
    List<JsonNode> adminInline = List.of(IamSimulator.named("admin", allowAll()));
    cases.add(
        new Case(
            "grant role given an admin inline policy creates an IAM user (boundary)",
            false,
            bounded(
                ROLE,
                "iam:CreateUser",
                "arn:aws:iam::" + PROD + ":user/backdoor",
                PROD,
                null,
                adminInline,
                p.productionBoundary(),
                Map.of())));
    cases.add(
        new Case(
            "grant role given an admin inline policy reads a bucket outside the pattern",
            false,
            bounded(
                ROLE,
                "s3:GetObject",
                "arn:aws:s3:::payroll/salaries.csv",
                PROD,
                null,
                adminInline,
                p.productionBoundary(),
                tls)));
    cases.add(
        new Case(
            "grant role within its boundary still puts under the prefix",
            true,
            bounded(
                ROLE,
                "s3:PutObject",
                "arn:aws:s3:::" + BUCKET + "/releases/app.tgz",
                PROD,
                p.bucketPolicy(),
                p.rolePolicies(),
                p.productionBoundary(),
                withPrincipal(ROLE, tls))));
    cases.add(
        new Case(
            "verifier role given an admin inline policy attaches a policy (boundary)",
            false,
            bounded(
                p.verifierArn(),
                "iam:AttachRolePolicy",
                p.verifierArn(),
                DEV,
                null,
                adminInline,
                p.developmentBoundary(),
                Map.of("iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess"))));
  }

  /** The verifier's production session reaches its own objects only, whatever the role allows. */
  private static void verifierSession(List<Case> cases, Policies p) {
    String verification = "arn:aws:s3:::" + BUCKET + "/releases/xaccess-verification/uid/1.txt";
    Map<String, Object> tls = withPrincipal(ROLE, Map.of("aws:SecureTransport", "true"));
    cases.add(
        new Case(
            "verifier session puts under the verification prefix",
            true,
            session(p, "s3:PutObject", verification, tls)));
    cases.add(
        new Case(
            "verifier session reads it back", true, session(p, "s3:GetObject", verification, tls)));
    cases.add(
        new Case(
            "verifier session reads user data under the grant prefix",
            false,
            session(p, "s3:GetObject", "arn:aws:s3:::" + BUCKET + "/releases/app.tgz", tls)));
    cases.add(
        new Case(
            "verifier session overwrites user data under the grant prefix",
            false,
            session(p, "s3:PutObject", "arn:aws:s3:::" + BUCKET + "/releases/app.tgz", tls)));
    Map<String, Object> listUserData = new LinkedHashMap<>(tls);
    listUserData.put("s3:prefix", "releases/");
    cases.add(
        new Case(
            "verifier session lists the users' keys",
            false,
            session(p, "s3:ListBucket", "arn:aws:s3:::" + BUCKET, listUserData)));
    cases.add(
        new Case(
            "verifier role under another session name",
            false,
            assume(
                p.verifierArn(),
                p.trust(),
                List.of(IamSimulator.named("verifier", p.verifierPolicy())),
                withSession(
                    trustContext(p.verifierArn(), "us-east-1", ORG, EXTERNAL_ID, false),
                    "someone-else"))));
  }

  /** What the template's AllowedPatterns and admission refuse, and what it would let in. */
  private static void refusedInput(List<Case> cases) {
    String intern = "arn:aws:iam::" + DEV + ":role/intern";
    cases.add(
        new Case(
            "refused input: a comma in a principal ('role/x,arn:...:*') trusts every dev role",
            true,
            assume(
                intern,
                commaPrincipal.trust(),
                List.of(IamSimulator.named("xaccess-assume", commaPrincipal.assumePolicy())),
                trustContext(intern, "us-east-1", null, null, false))));
    cases.add(
        new Case(
            "refused input prefix '*' would let the role read outside any prefix",
            true,
            s3(
                ROLE,
                "s3:GetObject",
                "arn:aws:s3:::" + BUCKET + "/payroll/salaries.csv",
                wildcardPrefix.bucketPolicy(),
                wildcardPrefix.rolePolicies(),
                Map.of("aws:SecureTransport", "true"))));
    String assumer = "arn:aws:iam::" + DEV + ":role/DevToProdS3Assumer";
    cases.add(
        new Case(
            "an assumer role of that name, where the grant has none",
            false,
            assume(
                assumer,
                hardened.trust(),
                List.of(IamSimulator.named("assume-production-role", hardened.verifierPolicy())),
                trustContext(assumer, "us-east-1", ORG, EXTERNAL_ID, false))));
    cases.add(
        new Case(
            "the grant's own assumer role is trusted without being listed",
            true,
            assume(
                assumer,
                sso.trust(),
                List.of(IamSimulator.named("assume-production-role", sso.verifierPolicy())),
                trustContext(assumer, "us-east-1", null, null, false))));
  }

  /** trust.maxMfaAge: an MFA sign-in older than allowed no longer counts. */
  private static void mfaAge(List<Case> cases, Policies m) {
    String alice = "arn:aws:iam::" + DEV + ":user/alice";
    List<JsonNode> mfaAssume = List.of(IamSimulator.named("xaccess-assume", m.assumePolicy()));
    Map<String, Object> fresh = trustContext(alice, "us-east-1", null, null, true);
    fresh.put("aws:MultiFactorAuthAge", "600");
    Map<String, Object> stale = trustContext(alice, "us-east-1", null, null, true);
    stale.put("aws:MultiFactorAuthAge", "7200");
    cases.add(
        new Case(
            "maxMfaAge 1h: listed user whose MFA sign-in was 10 minutes ago",
            true,
            assume(alice, m.trust(), mfaAssume, fresh)));
    cases.add(
        new Case(
            "maxMfaAge 1h: listed user whose MFA sign-in was 2 hours ago",
            false,
            assume(alice, m.trust(), mfaAssume, stale)));
  }

  /**
   * An expired grant (AccessOpen=false, RevokeSessionsBefore at the expiry), rendered from the
   * hardened grant: the production trust lets no development principal in, whatever its own account
   * allows; the closed development side allows none of them sts:AssumeRole, even against the open
   * trust (the production stack closes first, so there is a moment with both); and a session issued
   * before the expiry reaches nothing through the role.
   */
  private static void expiry(List<Case> cases, Policies open, Policies closed) {
    Map<String, Object> good = trustContext(CI_RUNNER, "us-east-1", ORG, EXTERNAL_ID, false);
    cases.add(
        new Case(
            "expired: listed dev role, every trust condition met, is denied by the closed trust",
            false,
            assume(CI_RUNNER, closed.trust(), devAssume(open), good)));
    String release = "arn:aws:iam::" + DEV + ":role/release-2026";
    cases.add(
        new Case(
            "expired: dev role of a listed pattern with full IAM rights is denied",
            false,
            assume(
                release,
                closed.trust(),
                List.of(IamSimulator.named("all", allowAll())),
                trustContext(release, REGION, ORG, EXTERNAL_ID, false))));
    cases.add(
        new Case(
            "expired: the operator's verifier is denied by the closed trust",
            false,
            assume(
                open.verifierArn(),
                closed.trust(),
                List.of(IamSimulator.named("verifier", open.verifierPolicy())),
                verifier(
                    open,
                    trustContext(open.verifierArn(), "us-east-1", ORG, EXTERNAL_ID, false)))));
    cases.add(
        new Case(
            "expired: the closed dev side allows a listed role no sts:AssumeRole (open trust)",
            false,
            assume(CI_RUNNER, open.trust(), devAssume(closed), good)));
    cases.add(
        new Case(
            "expired: the closed verifier role may not assume the role (open trust)",
            false,
            assume(
                open.verifierArn(),
                open.trust(),
                verifierIdentity(closed),
                verifier(
                    open,
                    trustContext(open.verifierArn(), "us-east-1", ORG, EXTERNAL_ID, false)))));
    String object = "arn:aws:s3:::" + BUCKET + "/releases/app.tgz";
    Map<String, Object> before = issued(REVOKED_BEFORE.minusSeconds(3600));
    cases.add(
        new Case(
            "expired: a session issued before the expiry gets an object",
            false,
            s3(
                ROLE,
                "s3:GetObject",
                object,
                closed.bucketPolicy(),
                closed.rolePolicies(),
                before)));
    cases.add(
        new Case(
            "expired: a session issued before the expiry puts an object",
            false,
            s3(
                ROLE,
                "s3:PutObject",
                object,
                closed.bucketPolicy(),
                closed.rolePolicies(),
                before)));
    cases.add(
        new Case(
            "expired: a session issued before the expiry lists under the prefix",
            false,
            s3(
                ROLE,
                "s3:ListBucket",
                "arn:aws:s3:::" + BUCKET,
                closed.bucketPolicy(),
                closed.rolePolicies(),
                withPrefix(before, "releases/"))));
    // Issued after the bound but before the closed trust took effect: xaccess-expired denies it.
    Map<String, Object> closing = issued(REVOKED_BEFORE.plusSeconds(30));
    cases.add(
        new Case(
            "expired: a session issued while the access was being closed gets an object",
            false,
            s3(
                ROLE,
                "s3:GetObject",
                object,
                closed.bucketPolicy(),
                closed.rolePolicies(),
                closing)));
    cases.add(
        new Case(
            "expired: a session issued while the access was being closed lists under the prefix",
            false,
            s3(
                ROLE,
                "s3:ListBucket",
                "arn:aws:s3:::" + BUCKET,
                closed.bucketPolicy(),
                closed.rolePolicies(),
                withPrefix(closing, "releases/"))));
  }

  /**
   * Sessions revoked without ending the grant (RevokeSessionsBefore=T, access open): a session of
   * the role issued before T is denied on every bucket and object action, one issued at or after T
   * is allowed (DateLessThan is strict; the operator rounds T up to the second); new sessions can
   * still be had, and the verifier proves access with one issued after T.
   */
  private static void revocation(List<Case> cases, Policies r) {
    cases.add(
        new Case(
            "revoked: a listed dev role still assumes the role (a new session)",
            true,
            assume(
                CI_RUNNER,
                r.trust(),
                devAssume(r),
                trustContext(CI_RUNNER, "us-east-1", ORG, EXTERNAL_ID, false))));
    String object = "arn:aws:s3:::" + BUCKET + "/releases/app.tgz";
    String bucket = "arn:aws:s3:::" + BUCKET;
    Map<String, Object> before = issued(REVOKED_BEFORE.minusSeconds(1));
    Map<String, Object> at = issued(REVOKED_BEFORE);
    Map<String, Object> after = issued(REVOKED_BEFORE.plusSeconds(60));
    for (var when : List.of(Map.entry("before T", before), Map.entry("after T", after))) {
      boolean allowed = when.getKey().equals("after T");
      Map<String, Object> context = when.getValue();
      cases.add(
          new Case(
              "revoked: a session issued " + when.getKey() + " gets an object",
              allowed,
              s3(ROLE, "s3:GetObject", object, r.bucketPolicy(), r.rolePolicies(), context)));
      cases.add(
          new Case(
              "revoked: a session issued " + when.getKey() + " puts an object",
              allowed,
              s3(ROLE, "s3:PutObject", object, r.bucketPolicy(), r.rolePolicies(), context)));
      cases.add(
          new Case(
              "revoked: a session issued " + when.getKey() + " lists under the prefix",
              allowed,
              s3(
                  ROLE,
                  "s3:ListBucket",
                  bucket,
                  r.bucketPolicy(),
                  r.rolePolicies(),
                  withPrefix(context, "releases/"))));
    }
    cases.add(
        new Case(
            "revoked: a session issued at T itself gets an object",
            true,
            s3(ROLE, "s3:GetObject", object, r.bucketPolicy(), r.rolePolicies(), at)));
    String verification = "arn:aws:s3:::" + BUCKET + "/releases/xaccess-verification/uid/1.txt";
    cases.add(
        new Case(
            "revoked: the verifier's session issued before T puts its object",
            false,
            session(r, "s3:PutObject", verification, withPrincipal(ROLE, before))));
    cases.add(
        new Case(
            "revoked: the verifier's session issued after T puts its object",
            true,
            session(r, "s3:PutObject", verification, withPrincipal(ROLE, after))));
  }

  /** The context of a TLS request in a session of the role issued at {@code time}. */
  private static Map<String, Object> issued(Instant time) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("aws:SecureTransport", "true");
    context.put("aws:TokenIssueTime", time.toString());
    return context;
  }

  private static Map<String, Object> withPrefix(Map<String, Object> context, String prefix) {
    Map<String, Object> with = new LinkedHashMap<>(context);
    with.put("s3:prefix", prefix);
    return with;
  }

  /** The development side's permission to assume the role: none where it was removed. */
  private static List<JsonNode> devAssume(Policies p) {
    return p.assumePolicy() == null
        ? List.of()
        : List.of(IamSimulator.named("xaccess-assume", p.assumePolicy()));
  }

  /** The verifier role's own permissions: none where they were removed. */
  private static List<JsonNode> verifierIdentity(Policies p) {
    return p.verifierPolicy() == null
        ? List.of()
        : List.of(IamSimulator.named("verifier", p.verifierPolicy()));
  }

  // --- rendering -----------------------------------------------------------------------------

  private static Grant grant(List<String> principals, Grant.Trust trust) {
    return grant(principals, Optional.empty(), "releases/", trust);
  }

  private static Grant grant(
      List<String> principals, Optional<Grant.Assumer> assumer, String prefix, Grant.Trust trust) {
    return new Grant(
        "platform",
        "ci-publisher",
        "0b7f3c1e-0000-4000-8000-000000000001",
        new Grant.Account(
            PROD,
            REGION,
            new Grant.Credentials.AssumeRole(OPERATOR_PROD, Optional.empty(), "platform")),
        new Grant.Account(
            DEV,
            "us-east-1",
            new Grant.Credentials.AssumeRole(OPERATOR_DEV, Optional.empty(), "platform")),
        principals,
        assumer,
        new Grant.Bucket(BUCKET, true, prefix, "KMS", true, false),
        new Grant.Role(
            "DevToProdS3Publisher",
            List.of("s3:PutObject", "s3:GetObject", "s3:ListBucket"),
            Duration.ofHours(1)),
        Duration.ofHours(1),
        trust,
        new Grant.Verification(true, Duration.ofHours(1)),
        false,
        false,
        List.of(),
        Optional.empty(),
        java.util.Map.of(),
        false);
  }

  /**
   * The documents {@code xaccess render} prints for the grant: its own rendering, with the
   * operator's default settings (partition aws, boundary xaccess-grant-boundary).
   */
  private static Policies policies(Grant grant) throws Exception {
    return policies(grant, AccessState.OPEN);
  }

  /**
   * The documents of {@code grant} deployed with {@code access} (open or closed, the revocation
   * bound). A document whose resource the configuration removes (the closed development stack's
   * assume policy, its verifier's permission) is null.
   */
  private static Policies policies(Grant grant, AccessState access) throws Exception {
    String verifierArn = GrantStacks.verifierRoleArn(grant, "aws");
    RenderedGrant rendered = RenderedGrant.of(grant, access, RenderSettings.defaults(), List.of());
    EffectivePolicies effective = rendered.policies();
    assertThat(effective.roleArn()).isEqualTo(ROLE);
    List<JsonNode> rolePolicies = new ArrayList<>();
    effective
        .rolePolicies()
        .forEach((name, document) -> rolePolicies.add(IamSimulator.named(name, document)));
    // The role must carry exactly the boundary the deployer demands, or nothing here holds.
    assertThat(effective.permissionsBoundary()).isEqualTo(PROD_BOUNDARY);
    assertThat(
            rendered
                .development()
                .template()
                .property("VerifierRole", "PermissionsBoundary")
                .asText())
        .isEqualTo(DEV_BOUNDARY);
    Deployer productionDeployer =
        productionDeployer(Map.of("DeployerRoleName", "xaccess-deployer"));
    Deployer developmentDeployer =
        deployer(
            "deploy/aws/development-deployer.yaml",
            DEV,
            DEV_BOUNDARY,
            Map.of("DeployerRoleName", "xaccess-deployer"));
    return new Policies(
        effective.roleTrust(),
        rolePolicies,
        effective.bucketPolicy().orElseThrow(),
        effective.keyPolicy().orElseThrow(),
        effective.assumePolicy().orElse(null),
        effective.verifierPolicies().get("assume-production-role"),
        verifierArn,
        StackNames.verificationSession(grant.namespace(), grant.name()),
        JSON.readTree(VerifierSessionPolicy.of(grant, "aws")),
        productionDeployer.policies(),
        productionDeployer.boundary(),
        developmentDeployer.policies(),
        developmentDeployer.boundary(),
        productionDeployer.trust(),
        developmentDeployer.trust());
  }

  private static Deployer productionDeployer(Map<String, String> parameters) throws Exception {
    Map<String, String> withPatterns = new LinkedHashMap<>(parameters);
    withPatterns.put("GrantRoleNamePattern", "DevToProd*");
    withPatterns.put("BucketNamePattern", "acme-prod-*");
    return deployer("deploy/aws/production-deployer.yaml", PROD, PROD_BOUNDARY, withPatterns);
  }

  /** A deployer template rendered with its defaults, except {@code given}. */
  private static Deployer deployer(
      String file, String account, String boundaryArn, Map<String, String> given) throws Exception {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("OperatorPrincipalArn", OPERATOR);
    parameters.put("ExternalId", "");
    parameters.put("ClusterName", CLUSTER);
    parameters.put("AllowedNamespaces", ALLOWED_NAMESPACES);
    parameters.putAll(given);
    RenderedTemplate deployer =
        RenderedTemplate.of(
            Path.of(file), account, REGION, parameters, Map.of("GrantBoundary.Ref", boundaryArn));
    List<JsonNode> policies = new ArrayList<>();
    for (JsonNode p : deployer.property("DeployerRole", "Policies")) {
      policies.add(IamSimulator.named(p.get("PolicyName").asText(), p.get("PolicyDocument")));
    }
    return new Deployer(
        policies,
        IamSimulator.named(BOUNDARY_NAME, deployer.property("GrantBoundary", "PolicyDocument")),
        deployer.property("DeployerRole", "AssumeRolePolicyDocument"));
  }

  // --- simulations ---------------------------------------------------------------------------

  private static Map<String, Object> trustContext(
      String principal, String region, String org, String externalId, boolean mfaPresent) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("aws:PrincipalArn", principal);
    context.put("aws:PrincipalAccount", principal.split(":")[4]);
    context.put("aws:RequestedRegion", region);
    context.put("aws:MultiFactorAuthPresent", Boolean.toString(mfaPresent));
    if (mfaPresent) {
      context.put("aws:MultiFactorAuthAge", "300");
    }
    context.put("aws:SecureTransport", "true");
    if (org != null) {
      context.put("aws:PrincipalOrgID", org);
    }
    if (externalId != null) {
      context.put("sts:ExternalId", externalId);
    }
    return context;
  }

  /** The verifier's trust context: its own session name, as the operator sends it. */
  private static Map<String, Object> verifier(Policies p, Map<String, Object> context) {
    return withSession(context, p.verifierSession());
  }

  private static Map<String, Object> withSession(Map<String, Object> context, String session) {
    Map<String, Object> with = new LinkedHashMap<>(context);
    with.put("sts:RoleSessionName", session);
    return with;
  }

  private static Map<String, Object> withPrincipal(String principal, Map<String, Object> context) {
    Map<String, Object> with = new LinkedHashMap<>(context);
    with.put("aws:PrincipalArn", principal);
    with.put("aws:PrincipalAccount", principal.split(":")[4]);
    return with;
  }

  /** Context of attaching {@code policyArn} to a principal tagged attachable={@code tag}. */
  private static Map<String, Object> attach(String policyArn, String tag) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("iam:PolicyARN", policyArn);
    if (tag != null) {
      context.put("aws:ResourceTag/xaccess.io/attachable", tag);
    }
    return context;
  }

  /** Session tags as the operator sends them (DeployerSessionTags). */
  private static Map<String, String> deployerTags(String cluster, String namespace) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("xaccess:cluster", cluster);
    tags.put("xaccess:namespace", namespace);
    return tags;
  }

  private static List<JsonNode> deployerSession(
      String deployer, JsonNode trust, Map<String, String> tags) {
    return deployerSession(OPERATOR, deployer, trust, tags, null);
  }

  /**
   * {@code principal} (the operator's own identity, with the rights its own account gives it)
   * assuming {@code deployer} with {@code tags}: AWS authorizes sts:AssumeRole and, for a tagged
   * session, sts:TagSession, each against the deployer's trust; both see the tags.
   */
  private static List<JsonNode> deployerSession(
      String principal,
      String deployer,
      JsonNode trust,
      Map<String, String> tags,
      String externalId) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("aws:PrincipalArn", principal);
    context.put("aws:PrincipalAccount", principal.split(":")[4]);
    context.put("sts:RoleSessionName", "xaccess-operator");
    if (externalId != null) {
      context.put("sts:ExternalId", externalId);
    }
    tags.forEach((key, value) -> context.put("aws:RequestTag/" + key, value));
    if (!tags.isEmpty()) {
      context.put("aws:TagKeys", List.copyOf(tags.keySet()));
    }
    List<JsonNode> identity =
        List.of(
            IamSimulator.named(
                "xaccess-operator",
                JSON.valueToTree(
                    Map.of(
                        "Version",
                        "2012-10-17",
                        "Statement",
                        List.of(
                            Map.of(
                                "Effect",
                                "Allow",
                                "Action",
                                List.of("sts:AssumeRole", "sts:TagSession"),
                                "Resource",
                                "arn:aws:iam::*:role/xaccess-deployer"))))));
    String account = deployer.split(":")[4];
    List<JsonNode> calls = new ArrayList<>();
    calls.add(
        IamSimulator.request(
            principal, "sts:AssumeRole", deployer, account, trust, identity, context));
    if (!tags.isEmpty()) {
      calls.add(
          IamSimulator.request(
              principal, "sts:TagSession", deployer, account, trust, identity, context));
    }
    return calls;
  }

  /**
   * The drift check reads, and its repairs write, the grant's role, bucket and key directly (the
   * calls read from the compiled AwsProductionPolicies): the production deployer may make each on a
   * grant's role, bucket and uid-tagged key, and none on a role or bucket outside its patterns.
   */
  private static void driftRepairs(List<Case> cases, Policies p) {
    Map<String, Set<String>> calls = DriftCalls.actions();
    String otherRole = "arn:aws:iam::" + PROD + ":role/Admin";
    for (String action : calls.get("iam")) {
      // A grant role carries the boundary: what IAM's iam:PermissionsBoundary then holds.
      Map<String, Object> bounded = Map.of("iam:PermissionsBoundary", PROD_BOUNDARY);
      cases.add(
          new Case(
              "production deployer: drift " + action + " on the grant role",
              true,
              prodDeployer(p, action, ROLE, bounded)));
      cases.add(
          new Case(
              "production deployer: drift " + action + " on a role outside the grant pattern",
              false,
              prodDeployer(p, action, otherRole, bounded)));
    }
    for (String action : calls.get("s3")) {
      cases.add(
          new Case(
              "production deployer: drift " + action + " on the grant's bucket",
              true,
              prodDeployer(p, action, "arn:aws:s3:::" + BUCKET, Map.of())));
      cases.add(
          new Case(
              "production deployer: drift " + action + " on a bucket outside the pattern",
              false,
              prodDeployer(p, action, "arn:aws:s3:::payroll-records", Map.of())));
    }
    for (String action : calls.get("kms")) {
      cases.add(
          new Case(
              "production deployer: drift " + action + " on the grant's (uid-tagged) key",
              true,
              IamSimulator.request(
                  OPERATOR_PROD,
                  action,
                  KEY,
                  PROD,
                  p.keyPolicy(),
                  p.productionDeployer(),
                  Map.of("aws:ResourceTag/xaccess.io/uid", "0b7f3c1e"))));
    }
  }

  /**
   * A production deployer whose owner lets grants take over the runbook's stacks
   * (AdoptableStackNamePattern dev-to-prod-s3*): such a stack is read and updated through the
   * operator's change sets, never created, deleted only once it carries a grant's uid; nothing of
   * the kind is allowed by default or outside the pattern.
   */
  private static void adoptableStacks(List<Case> cases, Policies p) throws Exception {
    List<JsonNode> adopting =
        productionDeployer(Map.of("AdoptableStackNamePattern", "dev-to-prod-s3*")).policies();
    String runbook = "arn:aws:cloudformation:" + REGION + ":" + PROD + ":stack/dev-to-prod-s3/abc";
    String other = "arn:aws:cloudformation:" + REGION + ":" + PROD + ":stack/payroll/abc";
    for (String action :
        List.of(
            "cloudformation:DescribeStacks",
            "cloudformation:GetTemplate",
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet")) {
      cases.add(
          new Case(
              "adoption: " + action + " on the runbook's stack",
              true,
              adopter(adopting, action, runbook, Map.of())));
      cases.add(
          new Case(
              "adoption: " + action + " on a stack outside the pattern",
              false,
              adopter(adopting, action, other, Map.of())));
      cases.add(
          new Case(
              "no adoptable pattern (default): " + action + " on the runbook's stack",
              false,
              prodDeployer(p, action, runbook, Map.of())));
    }
    cases.add(
        new Case(
            "adoption: CreateStack under the runbook's name",
            false,
            adopter(adopting, "cloudformation:CreateStack", runbook, Map.of())));
    cases.add(
        new Case(
            "adoption: DeleteStack of the runbook's stack not taken over (no uid tag)",
            false,
            adopter(adopting, "cloudformation:DeleteStack", runbook, Map.of())));
    cases.add(
        new Case(
            "adoption: DeleteStack of the runbook's stack a grant took over (uid tag)",
            true,
            adopter(
                adopting,
                "cloudformation:DeleteStack",
                runbook,
                Map.of("aws:ResourceTag/xaccess.io/uid", "0b7f3c1e"))));
  }

  /** A request of the production deployer whose policies are {@code adopting}. */
  private static JsonNode adopter(
      List<JsonNode> adopting, String action, String resource, Map<String, Object> context) {
    return IamSimulator.request(OPERATOR_PROD, action, resource, PROD, null, adopting, context);
  }

  private static JsonNode prodDeployer(
      Policies p, String action, String resource, Map<String, Object> context) {
    return IamSimulator.request(
        OPERATOR_PROD, action, resource, PROD, null, p.productionDeployer(), context);
  }

  private static JsonNode devDeployer(
      Policies p, String action, String resource, Map<String, Object> context) {
    return IamSimulator.request(
        OPERATOR_DEV, action, resource, DEV, null, p.developmentDeployer(), context);
  }

  /**
   * The verifier's session of the production role: role policies, bucket policy, session policy.
   */
  private static JsonNode session(
      Policies p, String action, String resource, Map<String, Object> context) {
    ObjectNode simulation =
        (ObjectNode)
            IamSimulator.request(
                ROLE, action, resource, PROD, p.bucketPolicy(), p.rolePolicies(), context);
    simulation.set("sessionPolicy", p.verifierSessionPolicy());
    simulation.putArray("permissionBoundaryPolicies").add(p.productionBoundary());
    return simulation;
  }

  /** A request by a principal that carries a permissions boundary. */
  private static JsonNode bounded(
      String principal,
      String action,
      String resource,
      String resourceAccount,
      JsonNode resourcePolicy,
      List<JsonNode> identity,
      JsonNode boundary,
      Map<String, Object> context) {
    ObjectNode simulation =
        (ObjectNode)
            IamSimulator.request(
                principal, action, resource, resourceAccount, resourcePolicy, identity, context);
    simulation.putArray("permissionBoundaryPolicies").add(boundary);
    return simulation;
  }

  private static JsonNode assume(
      String principal, JsonNode trust, List<JsonNode> identity, Map<String, Object> context) {
    return IamSimulator.request(principal, "sts:AssumeRole", ROLE, PROD, trust, identity, context);
  }

  /** A request on a production resource, with the caller's own global context keys added. */
  private static JsonNode s3(
      String principal,
      String action,
      String resource,
      JsonNode resourcePolicy,
      List<JsonNode> identity,
      Map<String, Object> context) {
    Map<String, Object> withPrincipal = new LinkedHashMap<>(context);
    withPrincipal.put("aws:PrincipalArn", principal);
    withPrincipal.put("aws:PrincipalAccount", principal.split(":")[4]);
    return IamSimulator.request(
        principal, action, resource, PROD, resourcePolicy, identity, withPrincipal);
  }

  private static JsonNode kms(
      String principal,
      String action,
      JsonNode keyPolicy,
      List<JsonNode> identity,
      Map<String, Object> context) {
    return s3(principal, action, KEY, keyPolicy, identity, context);
  }

  private static JsonNode allowAll() {
    return JSON.valueToTree(
        Map.of(
            "Version",
            "2012-10-17",
            "Statement",
            List.of(Map.of("Effect", "Allow", "Action", "*", "Resource", "*"))));
  }

  private static JsonNode allowAccount(String account) {
    return JSON.valueToTree(
        Map.of(
            "Version",
            "2012-10-17",
            "Statement",
            List.of(
                Map.of(
                    "Effect",
                    "Allow",
                    "Principal",
                    Map.of("AWS", "arn:aws:iam::" + account + ":root"),
                    "Action",
                    "sts:AssumeRole"))));
  }
}
