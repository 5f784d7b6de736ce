package io.xaccess.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xaccess.grant.Grant;
import io.xaccess.grant.SecretValue;
import io.xaccess.testing.TestSettings;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/** Which clients are shared: deployer-role sessions are tagged per namespace, so not across. */
class AwsClientsTest {

  private static final String DEPLOYER = "arn:aws:iam::111111111111:role/xaccess-deployer";

  private final AwsClients clients =
      new AwsClients(new TestSettings(), new AwsCallCounter(new SimpleMeterRegistry()));

  @AfterEach
  void close() {
    clients.close();
  }

  @Test
  void aDeployerRoleHasClientsOfItsOwnPerNamespaceAndSharedWithin() {
    Set<CloudFormationClient> made = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      made.add(clients.cloudFormation(deployer("team-" + i)));
    }
    assertThat(made).hasSize(50);
    assertThat(clients.cloudFormation(deployer("team-7")))
        .isSameAs(clients.cloudFormation(deployer("team-7")));
  }

  /**
   * The first deployer client also makes the operator's own STS client; cached with
   * computeIfAbsent, that failed ("Recursive update") whenever both keys fell into one empty bin —
   * for one in about sixteen namespace names, on every retry.
   */
  @Test
  void theFirstDeployerClientOfAnyNamespaceIsMade() {
    for (int i = 0; i < 64; i++) {
      AwsClients fresh =
          new AwsClients(new TestSettings(), new AwsCallCounter(new SimpleMeterRegistry()));
      try {
        assertThat(fresh.cloudFormation(deployer("ns-" + i))).isNotNull();
      } finally {
        fresh.close();
      }
    }
  }

  @Test
  void staticKeysAndTheOperatorsOwnIdentityAreNotPerNamespace() {
    Grant.Account own =
        new Grant.Account("111111111111", "us-east-1", new Grant.Credentials.OperatorIdentity());
    assertThat(clients.cloudFormation(own)).isSameAs(clients.cloudFormation(own));
    Grant.Account keys =
        new Grant.Account(
            "111111111111",
            "us-east-1",
            new Grant.Credentials.StaticKeys(
                new SecretValue("AKIAEXAMPLE"),
                new SecretValue("example-secret"),
                Optional.empty()));
    assertThat(clients.cloudFormation(keys)).isSameAs(clients.cloudFormation(keys));
  }

  @Test
  void aClusterNameAwsWouldRefuseAsATagStopsTheOperator() {
    TestSettings settings = new TestSettings();
    settings.clusterName = "aws:prod";
    assertThatThrownBy(
            () -> new AwsClients(settings, new AwsCallCounter(new SimpleMeterRegistry())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("xaccess.cluster-name");
  }

  /**
   * The clients role-chain sessions go through hold no identity: a request that does not carry its
   * session's credentials is refused before it is sent, never signed as the operator.
   */
  @Test
  void sessionClientsAreSharedAndSendNothingWithoutTheSessionsOwnCredentials() {
    S3Client s3 = clients.sessionS3("eu-west-1");
    assertThat(clients.sessionS3("eu-west-1")).isSameAs(s3);
    assertThat(clients.sessionS3("us-east-1")).isNotSameAs(s3);
    assertThatThrownBy(() -> s3.headBucket(r -> r.bucket("xaccess-any")))
        .isInstanceOf(SdkClientException.class)
        .hasStackTraceContaining("only requests that carry their own credentials");
    StsClient sts = clients.sessionSts("eu-west-1");
    assertThat(clients.sessionSts("eu-west-1")).isSameAs(sts);
    assertThatThrownBy(() -> sts.getCallerIdentity())
        .isInstanceOf(SdkClientException.class)
        .hasStackTraceContaining("only requests that carry their own credentials");
  }

  private static Grant.Account deployer(String namespace) {
    return new Grant.Account(
        "111111111111",
        "us-east-1",
        new Grant.Credentials.AssumeRole(DEPLOYER, Optional.empty(), namespace));
  }
}
