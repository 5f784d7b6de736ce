package io.xaccess.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xaccess.grant.Grant;
import io.xaccess.verification.VerifierSessionPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parameters that carry the grant's guard rails into the templates. */
class GrantStacksTest {

  private static final String PROD = "111111111111";
  private static final String DEV = "222222222222";
  private static final String CI = "arn:aws:iam::" + DEV + ":role/ci-runner";

  @Test
  void rolesCarryTheConfiguredBoundaryOfTheirOwnAccount() {
    Grant grant = grant(List.of(CI), Optional.empty(), trust(false, Optional.empty()));

    assertThat(production(grant, "xaccess-grant-boundary"))
        .containsEntry(
            "PermissionsBoundaryArn", "arn:aws:iam::" + PROD + ":policy/xaccess-grant-boundary");
    assertThat(
            GrantStacks.development(grant, "arn:aws:iam::1:role/r", "op", "aws-cn", "b")
                .parameters())
        .containsEntry("PermissionsBoundaryArn", "arn:aws-cn:iam::" + DEV + ":policy/b");
  }

  @Test
  void noneMeansNoBoundary() {
    Grant grant = grant(List.of(CI), Optional.empty(), trust(false, Optional.empty()));

    assertThat(production(grant, "none")).containsEntry("PermissionsBoundaryArn", "");
  }

  @Test
  void theVerifierIsTrustedOnlyUnderItsOwnSessionName() {
    Grant grant = grant(List.of(CI), Optional.empty(), trust(false, Optional.empty()));

    assertThat(production(grant, "b"))
        .containsEntry(
            "VerifierSessionName", StackNames.verificationSession("platform", "ci-publisher"));
  }

  @Test
  void maxMfaAgeBecomesSecondsAndUnsetIsZero() {
    assertThat(
            production(
                grant(List.of(CI), Optional.empty(), trust(true, Optional.of(Duration.ofHours(1)))),
                "b"))
        .containsEntry("MaxMfaAgeSeconds", "3600");
    assertThat(production(grant(List.of(CI), Optional.empty(), trust(true, Optional.empty())), "b"))
        .containsEntry("MaxMfaAgeSeconds", "0");
  }

  @Test
  void theGrantsOwnAssumerRoleIsTrustedBesideTheListedPrincipals() {
    Optional<Grant.Assumer> assumer = Optional.of(new Grant.Assumer("DevToProdS3Assumer", "SSO"));

    assertThat(production(grant(List.of(CI), assumer, trust(false, Optional.empty())), "b"))
        .containsEntry(
            "PrincipalArnPatterns", CI + ",arn:aws:iam::" + DEV + ":role/DevToProdS3Assumer");
    assertThat(production(grant(List.of(), assumer, trust(false, Optional.empty())), "b"))
        .containsEntry("PrincipalArnPatterns", "arn:aws:iam::" + DEV + ":*");
  }

  @Test
  void theVerifierSessionPolicyNamesOnlyTheVerificationPrefix() throws Exception {
    Grant grant = grant(List.of(CI), Optional.empty(), trust(false, Optional.empty()));

    JsonNode policy = new ObjectMapper().readTree(VerifierSessionPolicy.of(grant, "aws"));

    assertThat(policy.path("Statement").get(0).path("Resource").asText())
        .isEqualTo("arn:aws:s3:::acme-prod-artifacts/releases/xaccess-verification/*");
    assertThat(policy.path("Statement").get(0).path("Action").toString()).doesNotContain("Delete");
    assertThat(
            policy.path("Statement").get(1).path("Condition").path("StringLike").path("s3:prefix"))
        .hasToString("\"releases/xaccess-verification/*\"");
  }

  private static Map<String, String> production(Grant grant, String boundary) {
    return GrantStacks.production(grant, "arn:aws:iam::" + PROD + ":role/op", "v", "aws", boundary)
        .parameters();
  }

  private static Grant.Trust trust(boolean mfa, Optional<Duration> maxMfaAge) {
    return new Grant.Trust(List.of(), mfa, Optional.empty(), Optional.empty(), "", maxMfaAge);
  }

  private static Grant grant(
      List<String> principals, Optional<Grant.Assumer> assumer, Grant.Trust trust) {
    Grant.Credentials self = new Grant.Credentials.OperatorIdentity();
    return new Grant(
        "platform",
        "ci-publisher",
        "uid-1",
        new Grant.Account(PROD, "ap-southeast-2", self),
        new Grant.Account(DEV, "us-east-1", self),
        principals,
        assumer,
        new Grant.Bucket("acme-prod-artifacts", true, "releases/", "KMS", true, false),
        new Grant.Role(
            "DevToProdS3Publisher", List.of("s3:PutObject", "s3:GetObject"), Duration.ofHours(1)),
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
}
