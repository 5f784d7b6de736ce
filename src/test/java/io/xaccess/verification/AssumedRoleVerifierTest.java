package io.xaccess.verification;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaccess.grant.Grant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where the verifier calls STS: the region the production role's trust sees. */
class AssumedRoleVerifierTest {

  @Test
  void callsStsInTheFirstAllowedRegion() {
    assertThat(AssumedRoleVerifier.stsRegion(grant(List.of("eu-west-1", "us-east-1"))))
        .isEqualTo("eu-west-1");
  }

  @Test
  void callsStsInTheDevelopmentRegionWhenAnyRegionIsAllowed() {
    assertThat(AssumedRoleVerifier.stsRegion(grant(List.of()))).isEqualTo("us-west-2");
  }

  private static Grant grant(List<String> regions) {
    Grant.Credentials self = new Grant.Credentials.OperatorIdentity();
    return new Grant(
        "ns",
        "name",
        "uid",
        new Grant.Account("111111111111", "ap-southeast-2", self),
        new Grant.Account("222222222222", "us-west-2", self),
        List.of(),
        Optional.empty(),
        new Grant.Bucket("bucket", true, "", "KMS", true, false),
        new Grant.Role("DevToProdS3Publisher", List.of("s3:PutObject"), Duration.ofHours(1)),
        Duration.ofHours(1),
        new Grant.Trust(regions, false, Optional.empty(), Optional.empty(), "", Optional.empty()),
        new Grant.Verification(true, Duration.ofHours(1)),
        false,
        false,
        List.of(),
        Optional.empty(),
        java.util.Map.of(),
        false);
  }
}
