package io.xaccess.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tenancy rules as docs/tenancy.md states them, one rule per test. */
class TenancyRulesTest {

  private static final String TEAM_A =
      """
      apiVersion: xaccess.io/v1alpha1
      kind: CrossAccountAccessPolicy
      metadata: {name: team-a}
      spec:
        namespaces: {names: [team-a]}
        production:
          - accountId: "111111111111"
            deployerRoleArn: arn:aws:iam::111111111111:role/xaccess-deployer-team-a
        development: [{accountId: "222222222222"}]
        buckets: {names: [acme-team-a-*], existing: [acme-shared-artifacts]}
        roleNames: [DevToProd*]
        actions: [s3:GetObject, s3:PutObject, s3:ListBucket]
        maxSessionDuration: 1h
        maxRoleSessionDuration: 4h
      """;

  private static final String GRANT =
      """
      apiVersion: xaccess.io/v1alpha1
      kind: CrossAccountAccess
      metadata: {name: ci, namespace: team-a}
      spec:
        production: {accountId: "111111111111", region: us-east-1}
        development: {accountId: "222222222222", region: us-east-1}
        bucket: {name: acme-team-a-releases}
      """;

  private static CrossAccountAccessPolicy policy(String yaml) {
    return Serialization.unmarshal(yaml, CrossAccountAccessPolicy.class);
  }

  private static CrossAccountAccess grant(String yaml) {
    return Serialization.unmarshal(yaml, CrossAccountAccess.class);
  }

  /** The base grant with the spec fields of {@code specYaml} set (replacing the base's). */
  @SuppressWarnings("unchecked")
  private static CrossAccountAccess grantWith(String specYaml) {
    Map<String, Object> base = Serialization.unmarshal(GRANT, Map.class);
    Map<String, Object> spec =
        new java.util.LinkedHashMap<>((Map<String, Object>) base.get("spec"));
    spec.putAll(Serialization.unmarshal(specYaml, Map.class));
    Map<String, Object> merged = new java.util.LinkedHashMap<>(base);
    merged.put("spec", spec);
    return Serialization.unmarshal(Serialization.asYaml(merged), CrossAccountAccess.class);
  }

  private static Verdict decide(CrossAccountAccess grant, String... policies) {
    return TenancyRules.evaluate(
        grant, Map.of(), java.util.Arrays.stream(policies).map(TenancyRulesTest::policy).toList());
  }

  @Test
  void aPermittedGrantTakesThePolicysDeployerRole() {
    Verdict verdict = decide(grant(GRANT), TEAM_A);

    assertThat(verdict.permitted()).isTrue();
    assertThat(verdict.policy()).contains("team-a");
    assertThat(verdict.productionDeployer())
        .contains("arn:aws:iam::111111111111:role/xaccess-deployer-team-a");
    assertThat(verdict.developmentDeployer()).isEmpty();
  }

  @Test
  void aNamespaceNoPolicySelectsMayGrantNothing() {
    CrossAccountAccess other = grant(GRANT.replace("namespace: team-a", "namespace: team-b"));

    Verdict verdict = decide(other, TEAM_A);

    assertThat(verdict.permitted()).isFalse();
    assertThat(verdict.message()).contains("no CrossAccountAccessPolicy selects namespace team-b");
    assertThat(decide(grant(GRANT)).message()).contains("selects namespace team-a");
  }

  @Test
  void selectionByLabelsUsesTheStandardSelectorSemantics() {
    String byLabel =
        TEAM_A.replace(
            "namespaces: {names: [team-a]}",
            "namespaces: {selector: {matchLabels: {tenant: a}, matchExpressions: [{key: tier,"
                + " operator: NotIn, values: [sandbox]}]}}");
    CrossAccountAccessPolicy p = policy(byLabel);

    assertThat(TenancyRules.selects(p.getSpec().getNamespaces(), "x", Map.of("tenant", "a")))
        .isTrue();
    assertThat(
            TenancyRules.selects(
                p.getSpec().getNamespaces(), "x", Map.of("tenant", "a", "tier", "sandbox")))
        .isFalse();
    assertThat(TenancyRules.selects(p.getSpec().getNamespaces(), "team-a", Map.of())).isFalse();
    CrossAccountAccessPolicy all =
        policy(TEAM_A.replace("namespaces: {names: [team-a]}", "namespaces: {selector: {}}"));
    assertThat(TenancyRules.selects(all.getSpec().getNamespaces(), "any", Map.of())).isTrue();
  }

  @Test
  void everyRuleIsNamedWithTheFieldThatBreaksIt() {
    CrossAccountAccess grant =
        grant(
            """
            apiVersion: xaccess.io/v1alpha1
            kind: CrossAccountAccess
            metadata:
              name: ci
              namespace: team-a
              annotations: {xaccess.io/release-finalizer: "true"}
            spec:
              production:
                accountId: "333333333333"
                region: us-east-1
              development:
                accountId: "444444444444"
                region: us-east-1
                credentials: {secretRef: {name: keys}}
              bucket: {name: other-bucket, deletionPolicy: Delete}
              role: {name: Admin, actions: [s3:GetObject, s3:DeleteObject], maxSessionDuration: 8h}
              sessionDuration: 2h
              deletionPolicy: Orphan
            """);
    String strict =
        TEAM_A
            + """
              requiredTrust: {externalId: true, organizationId: o-a1b2c3d4e5, mfa: true}
            """;

    String message = decide(grant, strict).message();

    assertThat(message)
        .startsWith("no CrossAccountAccessPolicy selecting namespace team-a permits this grant")
        .contains("policy team-a: ")
        .contains("spec.production.accountId 333333333333 is not in the policy's production[]")
        .contains("spec.development.accountId 444444444444 is not in the policy's development[]")
        .contains(
            "spec.bucket.name other-bucket (a bucket to create) matches none of buckets.names")
        .contains("spec.role.name Admin matches none of roleNames [DevToProd*]")
        .contains("spec.role.actions [s3:DeleteObject] not in actions")
        .contains("spec.sessionDuration 2h is longer than maxSessionDuration 1h")
        .contains("spec.role.maxSessionDuration 8h is longer than maxRoleSessionDuration 4h")
        .contains("spec.trust.externalIdSecretRef (or externalId) is required")
        .contains("spec.trust.organizationId must be o-a1b2c3d4e5")
        .contains("spec.trust.requireMfa must be true")
        .contains("spec.deletionPolicy Orphan needs allow.orphan: true")
        .contains("spec.bucket.deletionPolicy Delete needs allow.bucketDelete: true")
        .contains("xaccess.io/release-finalizer] needs allow.releaseFinalizer: true");
  }

  @Test
  void existingBucketsNeedTheirOwnList() {
    assertThat(
            decide(grantWith("bucket: {name: acme-shared-artifacts, create: false}"), TEAM_A)
                .permitted())
        .isTrue();
    Verdict created = decide(grantWith("bucket: {name: acme-shared-artifacts}"), TEAM_A);
    assertThat(created.message())
        .contains("spec.bucket.name acme-shared-artifacts (a bucket to create) matches none");
    Verdict existing = decide(grantWith("bucket: {name: acme-team-a-x, create: false}"), TEAM_A);
    assertThat(existing.message())
        .contains("(an existing bucket, create: false) matches none of buckets.existing");
  }

  @Test
  void defaultsCountAsIfWritten() {
    String readOnly =
        TEAM_A.replace("[s3:GetObject, s3:PutObject, s3:ListBucket]", "[s3:GetObject]");
    assertThat(decide(grant(GRANT), readOnly).message())
        .contains("spec.role.actions [s3:PutObject, s3:ListBucket] (the default actions) not in");
    String shortSessions = TEAM_A.replace("maxSessionDuration: 1h", "maxSessionDuration: 30m");
    assertThat(decide(grant(GRANT), shortSessions).message())
        .contains("spec.sessionDuration 1h (default) is longer than maxSessionDuration 30m");
    String otherRoles = TEAM_A.replace("roleNames: [DevToProd*]", "roleNames: [TeamA*]");
    assertThat(decide(grant(GRANT), otherRoles).message())
        .contains("spec.role.name DevToProdS3Publisher matches none of roleNames [TeamA*]");
  }

  @Test
  void thePolicysDeployerRoleCannotBeSwapped() {
    Verdict other =
        decide(
            grantWith(
                "production: {accountId: \"111111111111\", region: us-east-1, credentials:"
                    + " {roleArn: arn:aws:iam::111111111111:role/admin}}"),
            TEAM_A);
    assertThat(other.message())
        .contains(
            "spec.production.credentials.roleArn arn:aws:iam::111111111111:role/admin is not the"
                + " deployer role the policy sets");
    Verdict keys =
        decide(
            grantWith(
                "production: {accountId: \"111111111111\", region: us-east-1, credentials:"
                    + " {secretRef: {name: keys}}}"),
            TEAM_A.replace("buckets:", "allow: {staticCredentials: true}\n  buckets:"));
    assertThat(keys.message())
        .contains("spec.production.credentials.secretRef: static keys are not allowed");
    Verdict same =
        decide(
            grantWith(
                "production: {accountId: \"111111111111\", region: us-east-1, credentials:"
                    + " {roleArn: arn:aws:iam::111111111111:role/xaccess-deployer-team-a}}"),
            TEAM_A);
    assertThat(same.permitted()).isTrue();
  }

  @Test
  void oneSelectingPolicyMustPermitAllOfItRulesNeverCombine() {
    String readProd =
        """
        apiVersion: xaccess.io/v1alpha1
        kind: CrossAccountAccessPolicy
        metadata: {name: b-shared-read}
        spec:
          namespaces: {names: [team-a]}
          production: [{accountId: "333333333333"}]
          development: [{accountId: "222222222222"}]
          buckets: {existing: [acme-shared-*]}
          actions: [s3:GetObject, s3:ListBucket]
        """;
    CrossAccountAccess shared =
        grantWith(
            "production: {accountId: \"333333333333\", region: us-east-1}\n"
                + "bucket: {name: acme-shared-logs, create: false}\n"
                + "role: {actions: [s3:GetObject]}");

    // The union of two policies: each grant is permitted by the one that covers it.
    assertThat(decide(shared, TEAM_A, readProd).policy()).contains("b-shared-read");
    assertThat(decide(grant(GRANT), TEAM_A, readProd).policy()).contains("team-a");
    // Account 333 from one policy and write access from the other do not add up.
    CrossAccountAccess mixed =
        grantWith(
            "production: {accountId: \"333333333333\", region: us-east-1}\n"
                + "bucket: {name: acme-shared-logs, create: false}");
    Verdict verdict = decide(mixed, TEAM_A, readProd);
    assertThat(verdict.permitted()).isFalse();
    assertThat(verdict.message())
        .contains("policy b-shared-read: spec.role.actions [s3:PutObject] (the default actions)")
        .contains("| policy team-a: spec.production.accountId 333333333333");
  }

  @Test
  void requiredTrustIsMetByEitherFormOfTheExternalId() {
    String strict = TEAM_A + "  requiredTrust: {externalId: true}\n";
    assertThat(decide(grantWith("trust: {externalId: abc-123}"), strict).permitted()).isTrue();
    assertThat(
            decide(
                    grantWith("trust: {externalIdSecretRef: {name: grant-external-id, key: v}}"),
                    strict)
                .permitted())
        .isTrue();
  }

  @Test
  void globsMatchWholeNamesOnly() {
    assertThat(TenancyRules.glob("acme-*", "acme-a")).isTrue();
    assertThat(TenancyRules.glob("acme-*", "xacme-a")).isFalse();
    assertThat(TenancyRules.glob("acme-?", "acme-ab")).isFalse();
    assertThat(TenancyRules.glob("a.b", "axb")).isFalse();
    assertThat(TenancyRules.glob("*", "")).isTrue();
  }

  @Test
  void theFirstPermittingPolicyByNameIsReported() {
    String copy = TEAM_A.replace("name: team-a}", "name: a-first}");
    assertThat(decide(grant(GRANT), TEAM_A, copy).policy()).isEqualTo(Optional.of("a-first"));
  }

  private static final String TIME_BOXED = TEAM_A + "  maxGrantLifetime: 48h\n";

  private static CrossAccountAccess createdAt(CrossAccountAccess grant, String time) {
    grant.getMetadata().setCreationTimestamp(time);
    return grant;
  }

  @Test
  void aPolicyWithMaxGrantLifetimeRefusesAGrantWithoutAnEnd() {
    Verdict verdict = decide(grant(GRANT), TIME_BOXED);

    assertThat(verdict.permitted()).isFalse();
    assertThat(verdict.message())
        .contains("policy team-a: spec.ttl or spec.expiresAt is required by maxGrantLifetime 48h");
  }

  @Test
  void aTtlWithinMaxGrantLifetimeIsPermittedALongerOneIsNot() {
    assertThat(decide(grantWith("ttl: 48h"), TIME_BOXED).permitted()).isTrue();
    assertThat(decide(grantWith("ttl: 30m"), TIME_BOXED).permitted()).isTrue();

    Verdict verdict = decide(grantWith("ttl: 72h"), TIME_BOXED);
    assertThat(verdict.permitted()).isFalse();
    assertThat(verdict.message()).contains("spec.ttl 72h is longer than maxGrantLifetime 48h");
  }

  @Test
  void anExpiresAtIsBoundedByCreationPlusMaxGrantLifetime() {
    String created = "2026-12-01T10:00:00Z";
    assertThat(
            decide(createdAt(grantWith("expiresAt: \"2026-12-03T10:00:00Z\""), created), TIME_BOXED)
                .permitted())
        .as("exactly creation + 48h")
        .isTrue();
    // A renewal keeps the creation time: extending beyond it is refused the same way.
    Verdict verdict =
        decide(
            createdAt(grantWith("expiresAt: \"2026-12-03T12:00:00+02:00\""), created), TIME_BOXED);
    assertThat(verdict.permitted()).as("an offset is read as the instant it names").isTrue();
    Verdict late =
        decide(createdAt(grantWith("expiresAt: \"2026-12-03T10:00:01Z\""), created), TIME_BOXED);
    assertThat(late.permitted()).isFalse();
    assertThat(late.message())
        .contains(
            "spec.expiresAt 2026-12-03T10:00:01Z is later than maxGrantLifetime 48h after the"
                + " grant's creation (2026-12-03T10:00:00Z)");
  }

  @Test
  void aGrantNotYetCreatedIsMeasuredFromNow() {
    CrossAccountAccess grant = grantWith("expiresAt: \"2026-12-02T10:00:00Z\"");
    var policies = java.util.List.of(policy(TIME_BOXED));
    assertThat(
            TenancyRules.evaluate(
                    grant, Map.of(), policies, java.time.Instant.parse("2026-12-01T10:00:00Z"))
                .permitted())
        .isTrue();
    assertThat(
            TenancyRules.evaluate(
                    grant, Map.of(), policies, java.time.Instant.parse("2026-11-29T10:00:00Z"))
                .permitted())
        .isFalse();
  }

  @Test
  void withoutMaxGrantLifetimeAnyEndOrNoneIsPermitted() {
    assertThat(decide(grantWith("ttl: 9000h"), TEAM_A).permitted()).isTrue();
    assertThat(decide(grantWith("expiresAt: \"2099-01-01T00:00:00Z\""), TEAM_A).permitted())
        .isTrue();
  }
}
