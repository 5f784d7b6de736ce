package io.xaccess.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaccess.testing.AwsTestAccount;
import io.xaccess.testing.AwsTestAccounts;
import io.xaccess.testing.MotoExtension;
import io.xaccess.testing.MotoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.s3.model.Bucket;

/** One moto server over HTTP emulates two isolated accounts; a reset forgets everything. */
@ExtendWith(MotoExtension.class)
class MotoAccountsSmokeIT {

  private static final String TEMPLATE =
      """
      Parameters:
        BucketName: {Type: String}
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
          Properties: {BucketName: !Ref BucketName}
      Outputs:
        BucketArn: {Value: !GetAtt Bucket.Arn}
      """;

  @Test
  void eachAccountSeesOnlyItsOwnStacks(AwsTestAccounts accounts, MotoServer moto) {
    assertThat(moto.endpoint().getScheme()).isEqualTo("http");
    assertThat(moto.endpoint().getHost()).isEqualTo("127.0.0.1");

    AwsTestAccount production = accounts.production();
    AwsTestAccount development = accounts.development();
    assertThat(callerAccount(production)).isEqualTo(AwsTestAccounts.PRODUCTION);
    assertThat(callerAccount(development)).isEqualTo(AwsTestAccounts.DEVELOPMENT);

    createStack(production, "smoke-prod", "xaccess-smoke-prod");
    createStack(development, "smoke-dev", "xaccess-smoke-dev");

    assertThat(stackNames(production)).containsExactly("smoke-prod");
    assertThat(stackNames(development)).containsExactly("smoke-dev");
    assertThat(bucketNames(production)).containsExactly("xaccess-smoke-prod");
    assertThat(bucketNames(development)).containsExactly("xaccess-smoke-dev");
    Stack prod =
        production
            .cloudFormation(Region.AP_SOUTHEAST_2)
            .describeStacks(r -> r.stackName("smoke-prod"))
            .stacks()
            .get(0);
    assertThat(prod.stackId()).contains(":" + AwsTestAccounts.PRODUCTION + ":");
    assertThat(prod.outputs())
        .anySatisfy(o -> assertThat(o.outputValue()).isEqualTo("arn:aws:s3:::xaccess-smoke-prod"));
  }

  @Test
  void resetForgetsEveryAccountsResources(MotoServer moto) throws Exception {
    try (AwsTestAccounts before = AwsTestAccounts.open(moto)) {
      createStack(before.production(), "smoke-reset", "xaccess-smoke-reset");
      assertThat(stackNames(before.production())).contains("smoke-reset");
    }
    moto.reset();
    try (AwsTestAccounts after = AwsTestAccounts.open(moto)) {
      assertThat(stackNames(after.production())).isEmpty();
      assertThat(bucketNames(after.production())).isEmpty();
    }
  }

  private static void createStack(AwsTestAccount account, String stackName, String bucketName) {
    CloudFormationClient cfn = account.cloudFormation(Region.AP_SOUTHEAST_2);
    cfn.createStack(
        r ->
            r.stackName(stackName)
                .templateBody(TEMPLATE)
                .parameters(p -> p.parameterKey("BucketName").parameterValue(bucketName)));
    cfn.waiter().waitUntilStackCreateComplete(r -> r.stackName(stackName));
  }

  private static java.util.List<String> stackNames(AwsTestAccount account) {
    return account.cloudFormation(Region.AP_SOUTHEAST_2).describeStacks().stacks().stream()
        .map(Stack::stackName)
        .toList();
  }

  private static java.util.List<String> bucketNames(AwsTestAccount account) {
    return account.s3(Region.AP_SOUTHEAST_2).listBuckets().buckets().stream()
        .map(Bucket::name)
        .toList();
  }

  private static String callerAccount(AwsTestAccount account) {
    return account.sts(Region.US_EAST_1).getCallerIdentity().account();
  }
}
