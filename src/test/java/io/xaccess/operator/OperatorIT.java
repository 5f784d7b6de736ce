package io.xaccess.operator;

import static io.xaccess.testing.Grants.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.aws.AwsCallCounter;
import io.xaccess.testing.AwsTestAccounts;
import io.xaccess.testing.Grants;
import io.xaccess.testing.Kubectl;
import io.xaccess.testing.OperatorTestEnvironment;
import io.xaccess.testing.XaccessCrd;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;

/** The operator end to end on a real API server and moto: apply, Ready, verified, in AWS. */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class OperatorIT {

  @Inject KubernetesClient client;
  @Inject AwsCallCounter awsCalls;

  @TestHTTPResource(value = "/", management = true)
  java.net.URL management;

  @Test
  void basicExampleBecomesReadyWithVerifiedAccess() throws Exception {
    String ns = namespace("op-basic");
    long callsBefore = awsCalls.total();
    Map<String, Long> before = awsCalls.snapshot();

    new Kubectl(OperatorTestEnvironment.kube())
        .succeed("apply", "-n", ns, "-f", "examples/basic.yaml");
    CrossAccountAccess grant = grants().awaitReady(ns, "basic");
    System.out.println(io.fabric8.kubernetes.client.utils.Serialization.asYaml(grant.getStatus()));

    assertThat(condition(grant, "AccessVerified"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("UploadSucceeded");
            });
    assertThat(grant.getStatus().getObservedGeneration())
        .isEqualTo(grant.getMetadata().getGeneration());
    assertThat(grant.getStatus().getProduction().getRoleArn())
        .isEqualTo("arn:aws:iam::111111111111:role/DevToProdS3Publisher");
    assertThat(grant.getStatus().getLastVerification().getResult()).isEqualTo("Succeeded");

    try (AwsTestAccounts aws = AwsTestAccounts.open(OperatorTestEnvironment.moto())) {
      var prodIam = aws.production().iam();
      assertThat(prodIam.getRole(r -> r.roleName("DevToProdS3Publisher")).role().arn())
          .isEqualTo(grant.getStatus().getProduction().getRoleArn());
      assertThat(prodIam.listRolePolicies(r -> r.roleName("DevToProdS3Publisher")).policyNames())
          .contains("xaccess-objects", "xaccess-listing", "xaccess-kms");
      var prodS3 = aws.production().s3(Region.AP_SOUTHEAST_2);
      assertThat(prodS3.listBuckets().buckets())
          .anyMatch(b -> b.name().equals("xaccess-example-basic"));
      // moto cannot DescribeKey a key CloudFormation made (see MOTO.md): list the keys instead.
      String keyId = grant.getStatus().getProduction().getKmsKeyArn().replaceAll(".*key/", "");
      assertThat(aws.production().kms(Region.AP_SOUTHEAST_2).listKeys().keys())
          .anyMatch(k -> k.keyId().equals(keyId));
      var devIam = aws.development().iam();
      assertThat(
              devIam
                  .getPolicy(
                      r -> r.policyArn(grant.getStatus().getDevelopment().getAssumePolicyArn()))
                  .policy()
                  .arn())
          .contains(":222222222222:");
      assertThat(
              devIam
                  .getRole(
                      r ->
                          r.roleName(
                              grant
                                  .getStatus()
                                  .getDevelopment()
                                  .getVerifierRoleArn()
                                  .replaceAll(".*/", "")))
                  .role()
                  .arn())
          .isEqualTo(grant.getStatus().getDevelopment().getVerifierRoleArn());
      // The verification object, every version of it, is gone again.
      ListObjectVersionsResponse left =
          prodS3.listObjectVersions(
              r -> r.bucket("xaccess-example-basic").prefix("xaccess-verification/"));
      assertThat(left.versions()).isEmpty();
      assertThat(left.deleteMarkers()).isEmpty();
    }

    Map<String, Long> after = awsCalls.snapshot();
    Map<String, Long> used = new java.util.TreeMap<>();
    after.forEach(
        (k, v) -> {
          long delta = v - before.getOrDefault(k, 0L);
          if (delta > 0) {
            used.put(k, delta);
          }
        });
    long total = awsCalls.total() - callsBefore;
    System.out.println("AWS calls for one grant to reach Ready: " + total + " " + used);
    // No call fails: a new grant's stacks are created without looking them up first.
    assertThat(used.keySet()).allMatch(k -> k.endsWith(":success"));
    assertThat(used)
        .containsEntry("CloudFormation:CreateStack:success", 2L)
        .containsEntry("S3:PutObject:success", 1L)
        .as("the proof's object removed by the version the put made, in one call")
        .containsEntry("S3:DeleteObject:success", 1L);
    assertThat(used.getOrDefault("CloudFormation:DescribeStacks:success", 0L))
        .as("each stack read once it is done (the production stack not again for the second)")
        .isLessThanOrEqualTo(3);
    // 14 here: the above, 2 ListStacks of the stack watch, GetObject and ListObjectsV2 through the
    // role, 2 AssumeRole of the verifier chain and 2 of the account pair's first deployer sessions.
    assertThat(total).isLessThanOrEqualTo(18);
  }

  @Test
  void metricsAndHealthAreServedOnTheManagementInterface() throws Exception {
    String ns = namespace("op-metrics");
    // Its own role name: two grants may not share a role of the production account.
    java.nio.file.Path grant = java.nio.file.Files.createTempFile("grant", ".yaml");
    java.nio.file.Files.writeString(
        grant,
        java.nio.file.Files.readString(java.nio.file.Path.of("examples/orphan-on-delete.yaml"))
            + "  role: {name: DevToProdS3Publisher-metrics}\n");
    new Kubectl(OperatorTestEnvironment.kube()).succeed("apply", "-n", ns, "-f", grant.toString());
    grants().awaitReady(ns, "handover");

    String metrics = get("/q/metrics");
    assertThat(metrics)
        .contains(
            "xaccess_aws_calls_total{operation=\"CreateStack\",outcome=\"success\",service=\"CloudFormation\"}")
        .contains(
            "xaccess_stack_operations_total{account=\"production\",operation=\"create\",result=\"started\"}")
        .contains(
            "xaccess_stack_operations_total{account=\"development\",operation=\"create\",result=\"started\"}")
        .contains("xaccess_verifications_total{result=\"succeeded\"}")
        .contains("xaccess_verification_duration_seconds_count")
        .contains("xaccess_time_to_ready_seconds_bucket")
        .containsPattern("xaccess_grants\\{phase=\"Ready\"} [1-9]")
        // the Java Operator SDK's own reconcile metrics
        .containsPattern("operator_sdk_[a-z_]*reconcil");
    // Per controller, not per grant: no series carries a grant's name.
    assertThat(metrics.lines().filter(l -> l.startsWith("operator_sdk")))
        .isNotEmpty()
        .noneMatch(l -> l.contains("handover"));
    assertThat(get("/q/health/ready")).contains("\"status\": \"UP\"");
  }

  /** The management interface of the operator under test (a free port in tests). */
  private String get(String path) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var response =
        http.send(
            java.net.http.HttpRequest.newBuilder(management.toURI().resolve(path)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body();
  }

  private Grants grants() {
    return Grants.on(client);
  }

  private String namespace(String name) {
    return XaccessCrd.ensureNamespace(client, name);
  }
}
