package io.xaccess.security;

import static io.xaccess.testing.Grants.message;
import static io.xaccess.testing.Grants.reason;
import static io.xaccess.testing.OperatorTestEnvironment.productionCfn;
import static io.xaccess.testing.OperatorTestEnvironment.stackExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.ProductionStackStatus;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.grant.Side;
import io.xaccess.testing.AwsTestAccounts;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.Grants;
import io.xaccess.testing.OperatorTestEnvironment;
import io.xaccess.testing.XaccessCrd;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The attacks of a tenant who may create CrossAccountAccess resources in one namespace, against the
 * operator that holds deployer roles in the accounts: each is tried for real against the API server
 * and moto, and what must survive is read from moto directly, never through the operator.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class OwnershipIT {

  @Inject KubernetesClient client;

  /**
   * A grant names the victim's key as its existing key, then tries to make it look like its own
   * (encryption switched to KMS) and deletes itself with bucket.deletionPolicy Delete: the victim's
   * key stays enabled, because only a key the grant's own stack created is ever retired.
   */
  @Test
  void aVictimsKeyNamedInTheSpecIsNeverScheduledForDeletion() throws Exception {
    String victimNs = namespace("own-victim");
    client
        .resource(
            GrantYaml.of(victimNs, "data")
                .bucket("xaccess-own-victim")
                .role("DevToProdS3Publisher-own-victim")
                .resource())
        .create();
    CrossAccountAccess victim = grants().awaitReady(victimNs, "data");
    String victimKey = victim.getStatus().getProduction().getKmsKeyArn();
    assertThat(victimKey).startsWith("arn:aws:kms:");

    String ns = namespace("own-attacker");
    client
        .resource(
            GrantYaml.of(ns, "steal")
                .role("DevToProdS3Publisher-own-steal")
                .bucket("xaccess-own-attacker")
                .bucketLines("    encryption: " + victimKey + "\n    deletionPolicy: Delete\n")
                .resource())
        .create();
    grants().awaitReady(ns, "steal");
    // Making the victim's key look like one the stack created is refused at admission...
    CrossAccountAccess attacker = grants().get(ns, "steal");
    attacker.getSpec().getBucket().setEncryption("KMS");
    assertThatThrownBy(() -> client.resource(attacker).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.bucket.encryption")
        .hasMessageContaining("immutable");
    // ...and status is no proof either: the key the attacker's status names is not the stack's.
    assertThat(grants().get(ns, "steal").getStatus().getProduction().getKmsKeyArn())
        .isEqualTo(victimKey);
    client.resource(grants().get(ns, "steal")).delete();
    grants().awaitGone(ns, "steal");

    String keyId = victimKey.substring(victimKey.lastIndexOf('/') + 1);
    try (AwsTestAccounts aws = AwsTestAccounts.open(OperatorTestEnvironment.moto())) {
      assertThat(aws.production().kmsKeyState(Region.AP_SOUTHEAST_2, keyId))
          .as("the victim's key, read from moto")
          .isEqualTo("Enabled");
    }
    assertThat(Grants.isTrue(grants().get(victimNs, "data"), "Ready")).isTrue();
  }

  /**
   * A grant "creates" a bucket that already exists (someone else's, empty) with deletionPolicy
   * Delete, then is deleted: the bucket stays, because its stack never created it.
   */
  @Test
  void anEmptyBucketTheGrantDidNotCreateIsNeverDeleted() throws Exception {
    String bucket = "xaccess-own-someone-elses";
    try (AwsTestAccounts aws = AwsTestAccounts.open(OperatorTestEnvironment.moto())) {
      S3Client s3 = aws.production().s3(Region.AP_SOUTHEAST_2);
      s3.createBucket(
          r ->
              r.bucket(bucket)
                  .createBucketConfiguration(c -> c.locationConstraint("ap-southeast-2")));

      String ns = namespace("own-squatter");
      client
          .resource(
              GrantYaml.of(ns, "squat")
                  .role("DevToProdS3Publisher-own-squatter")
                  .bucket(bucket)
                  .bucketLines("    deletionPolicy: Delete\n")
                  .resource())
          .create();
      CrossAccountAccess stalled = grants().awaitCondition(ns, "squat", "Stalled", "True");
      assertThat(message(stalled, "Stalled")).contains("BucketAlreadyExists");
      client.resource(stalled).delete();
      grants().awaitGone(ns, "squat");

      assertThat(s3.listBuckets().buckets().stream().map(b -> b.name()))
          .as("the bucket the grant never created")
          .contains(bucket);
    }
  }

  /**
   * A grant on an existing bucket asks to manage its policy: the policy the bucket already has (the
   * account's own, or what an earlier grant left) is never replaced, before or after the grant
   * goes; and a grant that managed a bucket's policy leaves at least the TLS-only deny behind.
   * (moto does not materialise AWS::S3::BucketPolicy, so the leftover policy is the operator's own
   * PutBucketPolicy.)
   */
  @Test
  void aForeignBucketPolicyIsNeverReplaced() throws Exception {
    String ns = namespace("own-policy");
    String bucket = "xaccess-own-existing";
    String shared = "xaccess-own-shared";
    String policy =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AccountsOwn\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::111111111111:role/analytics\"},"
            + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::"
            + bucket
            + "/*\"}]}";
    try (AwsTestAccounts aws = AwsTestAccounts.open(OperatorTestEnvironment.moto())) {
      S3Client s3 = aws.production().s3(Region.AP_SOUTHEAST_2);
      s3.createBucket(
          r ->
              r.bucket(bucket)
                  .createBucketConfiguration(c -> c.locationConstraint("ap-southeast-2")));
      s3.putBucketPolicy(r -> r.bucket(bucket).policy(policy));

      takeOverRefused(ns, "takeover", bucket);
      assertThat(s3.getBucketPolicy(r -> r.bucket(bucket)).policy()).isEqualTo(policy);
      client.resource(grants().get(ns, "takeover")).delete();
      grants().awaitGone(ns, "takeover");
      assertThat(s3.getBucketPolicy(r -> r.bucket(bucket)).policy())
          .as("deleting the refused grant leaves the policy as it was")
          .isEqualTo(policy);

      // A grant that managed its bucket's policy leaves the TLS-only deny when it goes...
      client
          .resource(
              GrantYaml.of(ns, "first")
                  .bucket(shared)
                  .role("DevToProdS3Publisher-own-first")
                  .resource())
          .create();
      grants().awaitReady(ns, "first");
      client.resource(grants().get(ns, "first")).delete();
      grants().awaitGone(ns, "first");
      String left = s3.getBucketPolicy(r -> r.bucket(shared)).policy();
      assertThat(left).contains("DenyInsecureTransport").contains("aws:SecureTransport");
      assertThat(left).doesNotContain("AllowRole").doesNotContain("DenyObjectAccessToEveryoneElse");

      // ...and no later grant replaces that one either.
      takeOverRefused(ns, "second", shared);
      assertThat(s3.getBucketPolicy(r -> r.bucket(shared)).policy()).isEqualTo(left);
    }
  }

  private void takeOverRefused(String ns, String name, String bucket) {
    client
        .resource(
            GrantYaml.of(ns, name)
                .role("DevToProdS3Publisher-own-" + name)
                .bucket(bucket)
                .bucketLines("    create: false\n    managePolicy: true\n")
                .resource())
        .create();
    CrossAccountAccess stalled = grants().awaitCondition(ns, name, "Stalled", "True");
    assertThat(reason(stalled, "Stalled")).isEqualTo("ForeignBucketPolicy");
    assertThat(message(stalled, "Stalled"))
        .contains(bucket)
        .contains("never replaces")
        .contains("managePolicy: false");
    assertThat(stackExists(productionCfn(), StackNames.production(ns, name))).isFalse();
  }

  /**
   * Namespace own-team with grant a-x and namespace own-team-a with grant x had one stack name;
   * they get their own stacks now, and deleting one leaves the other's alone.
   */
  @Test
  void grantsWhoseNamesOnceCollidedGetTheirOwnStacks() {
    String one = namespace("own-team");
    String two = namespace("own-team-a");
    assertThat(StackNames.legacy(Side.PRODUCTION, one, "a-x"))
        .isEqualTo(StackNames.legacy(Side.PRODUCTION, two, "x"));
    assertThat(StackNames.production(one, "a-x")).isNotEqualTo(StackNames.production(two, "x"));
    client
        .resource(
            GrantYaml.of(one, "a-x")
                .bucket("xaccess-own-team-ax")
                .role("DevToProdS3Publisher-team-ax")
                .resource())
        .create();
    client
        .resource(
            GrantYaml.of(two, "x")
                .bucket("xaccess-own-team-a-x")
                .role("DevToProdS3Publisher-team-a-x")
                .resource())
        .create();
    CrossAccountAccess first = grants().awaitReady(one, "a-x");
    grants().awaitReady(two, "x");

    client.resource(grants().get(two, "x")).delete();
    grants().awaitGone(two, "x");

    Stack stack =
        productionCfn()
            .describeStacks(r -> r.stackName(StackNames.production(one, "a-x")))
            .stacks()
            .get(0);
    assertThat(stack.stackStatusAsString()).isEqualTo("CREATE_COMPLETE");
    assertThat(stack.tags().stream().filter(t -> t.key().equals("xaccess.io/uid")))
        .singleElement()
        .satisfies(t -> assertThat(t.value()).isEqualTo(first.getMetadata().getUid()));
    assertThat(Grants.isTrue(grants().get(one, "a-x"), "Ready")).isTrue();
  }

  /**
   * A stack that is not the grant's sits where the grant's would be (made by hand, or by an earlier
   * resource of the same name): the grant stalls naming its owner, and neither updates nor, on
   * deletion, deletes it; the grant that owns it stays Ready.
   */
  @Test
  void aStackOfSomeoneElseUnderTheGrantsNameIsNeverTouched() {
    String ns = namespace("own-conflict");
    String name = StackNames.production(ns, "squat");
    productionCfn()
        .createStack(
            r ->
                r.stackName(name)
                    .templateBody(
                        "Resources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\n")
                    .tags(
                        t -> t.key("xaccess.io/uid").value("uid-of-someone-else"),
                        t -> t.key("xaccess.io/namespace").value("elsewhere"),
                        t -> t.key("xaccess.io/name").value("theirs")));

    client
        .resource(
            GrantYaml.of(ns, "squat")
                .bucket("xaccess-own-conflict")
                .role("DevToProdS3Publisher-own-conflict")
                .resource())
        .create();
    CrossAccountAccess stalled = grants().awaitCondition(ns, "squat", "Stalled", "True");
    assertThat(reason(stalled, "Stalled")).isEqualTo("StackConflict");
    assertThat(message(stalled, "Stalled"))
        .contains(name)
        .contains("elsewhere/theirs")
        .contains("uid-of-someone-else")
        .contains("neither updates nor deletes");
    client.resource(stalled).delete();
    grants().awaitGone(ns, "squat");

    Stack stack = productionCfn().describeStacks(r -> r.stackName(name)).stacks().get(0);
    assertThat(stack.stackStatusAsString()).isEqualTo("CREATE_COMPLETE");
    assertThat(stack.parameters()).isEmpty();
    assertThat(stack.tags().stream().filter(t -> t.key().equals("xaccess.io/uid")))
        .singleElement()
        .satisfies(t -> assertThat(t.value()).isEqualTo("uid-of-someone-else"));
  }

  /**
   * Upgrade: a grant whose production stack an earlier version named {@code
   * xaccess-<ns>-<name>-prod} keeps it (its uid tag proves it is the grant's), while the grant
   * whose new name once collided with that one gets a stack of its own and never touches it.
   */
  @Test
  void aStackUnderTheFormerAmbiguousNameStaysWithTheGrantItsUidNames() {
    String one = namespace("own-mig");
    String two = namespace("own-mig-a");
    String legacy = StackNames.legacy(Side.PRODUCTION, one, "a-x");
    assertThat(StackNames.legacy(Side.PRODUCTION, two, "x")).isEqualTo(legacy);
    CrossAccountAccess first =
        client
            .resource(
                GrantYaml.of(one, "a-x")
                    .bucket("xaccess-own-mig-ax")
                    .role("DevToProdS3Publisher-mig-ax")
                    .spec("  suspend: true\n")
                    .resource())
            .create();
    // The stack an earlier operator made for it, under the name both grants once mapped to.
    productionCfn()
        .createStack(
            r ->
                r.stackName(legacy)
                    .templateBody(
                        "Resources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\n")
                    .tags(
                        t -> t.key("xaccess.io/uid").value(first.getMetadata().getUid()),
                        t -> t.key("xaccess.io/namespace").value(one),
                        t -> t.key("xaccess.io/name").value("a-x")));
    // ...and the status it wrote then: the stack's id (names were not recorded yet) and the
    // configuration it applied. A grant whose status records no stack has none to be found.
    String legacyId =
        productionCfn().describeStacks(r -> r.stackName(legacy)).stacks().get(0).stackId();
    grants().awaitStatus(one, "a-x");
    for (int attempt = 1; ; attempt++) {
      CrossAccountAccess recorded = grants().get(one, "a-x");
      if (recorded.getStatus().getProduction() == null) {
        recorded.getStatus().setProduction(new ProductionStackStatus());
      }
      recorded.getStatus().getProduction().setStackId(legacyId);
      recorded.getStatus().getProduction().setConfigurationHash("applied-by-an-earlier-operator");
      try {
        client.resource(recorded).updateStatus();
        break;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }

    client
        .resource(
            GrantYaml.of(two, "x")
                .bucket("xaccess-own-mig-a-x")
                .role("DevToProdS3Publisher-mig-a-x")
                .resource())
        .create();
    CrossAccountAccess second = grants().awaitReady(two, "x");
    assertThat(second.getStatus().getProduction().getStackName())
        .isEqualTo(StackNames.production(two, "x"));
    assertThat(
            productionCfn().describeStacks(r -> r.stackName(legacy)).stacks().get(0).parameters())
        .as("the other grant's stack under the shared former name is not touched")
        .isEmpty();

    CrossAccountAccess resumed = grants().get(one, "a-x");
    resumed.getSpec().setSuspend(false);
    client.resource(resumed).update();
    CrossAccountAccess ready =
        grants().awaitReady(one, "a-x", resumed.getMetadata().getGeneration() + 1);
    assertThat(ready.getStatus().getProduction().getStackName())
        .as("kept under its former name: CloudFormation cannot rename a stack")
        .isEqualTo(legacy);
    assertThat(stackExists(productionCfn(), StackNames.production(one, "a-x"))).isFalse();

    client.resource(grants().get(two, "x")).delete();
    grants().awaitGone(two, "x");
    assertThat(stackExists(productionCfn(), legacy)).isTrue();
    assertThat(Grants.isTrue(grants().get(one, "a-x"), "Ready")).isTrue();
  }

  private Grants grants() {
    return Grants.on(client);
  }

  private String namespace(String name) {
    return XaccessCrd.ensureNamespace(client, name);
  }
}
