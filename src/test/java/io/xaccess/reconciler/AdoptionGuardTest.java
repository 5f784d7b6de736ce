package io.xaccess.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.cloudformation.StackGuard;
import io.xaccess.grant.Side;
import io.xaccess.render.RenderSettings;
import io.xaccess.render.RenderedGrant;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which stacks made by hand xaccess takes over: an update with its production template must keep
 * the runbook's role, bucket and key (same logical id and type, present for the grant's spec), or
 * CloudFormation would create a second one under the same name or remove the one there is.
 */
class AdoptionGuardTest {

  private final OwnedResources guard =
      new OwnedResources(new ReconcilerFixture.FakeStorage(), new TestSettings());

  private static RenderedGrant.Stack production(String bucketLines) throws Exception {
    var yaml =
        GrantYaml.of("team", "runbook").bucket("acme-prod-artifacts").role("DevToProdS3Publisher");
    return RenderedGrant.of(
            (bucketLines.isEmpty() ? yaml : yaml.bucketLines(bucketLines)).resource(),
            RenderSettings.defaults())
        .production();
  }

  private Optional<StackGuard.Refusal> adopt(RenderedGrant.Stack stack, String deployed) {
    var account = new io.xaccess.grant.Grant.Account(stack.accountId(), stack.region(), null);
    return guard.beforeAdopt(Side.PRODUCTION, account, stack.request(), deployed);
  }

  @Test
  void theRunbooksStackIsTakenOverItsRoleBucketAndKeyKept() throws Exception {
    String runbook = Files.readString(Path.of("src/test/resources/runbook/production.yaml"));
    assertThat(adopt(production(""), runbook)).isEmpty();
  }

  @Test
  void aBucketUnderAnotherLogicalIdIsNotTakenOver() throws Exception {
    String renamed =
        Files.readString(Path.of("src/test/resources/runbook/production.yaml"))
            .replace(
                "  Bucket:\n    Type: AWS::S3::Bucket",
                "  ArtifactBucket:\n    Type: AWS::S3::Bucket")
            .replace("!Ref Bucket\n", "!Ref ArtifactBucket\n");
    Optional<StackGuard.Refusal> refused = adopt(production(""), renamed);
    assertThat(refused).isPresent();
    assertThat(refused.get().reason()).isEqualTo(Reason.AdoptionRefused);
    assertThat(refused.get().message())
        .contains("would delete or replace its AWS::S3::Bucket ArtifactBucket")
        .doesNotContain("AWS::IAM::Role Role");
  }

  @Test
  void aSpecThatWouldNotCreateTheBucketDoesNotTakeOverAStackThatHasOne() throws Exception {
    String runbook = Files.readString(Path.of("src/test/resources/runbook/production.yaml"));
    // create: false: xaccess's template has no Bucket (nor Key) for this spec, so the update would
    // remove the runbook's from the stack.
    Optional<StackGuard.Refusal> refused =
        adopt(production("    create: false\n    encryption: S3\n"), runbook);
    assertThat(refused).isPresent();
    assertThat(refused.get().message())
        .contains("AWS::S3::Bucket Bucket")
        .contains("AWS::KMS::Key Key");
  }

  @Test
  void anUnreadableTemplateIsRefused() throws Exception {
    assertThat(adopt(production(""), "Resources: [")).isPresent();
  }
}
