package io.xaccess.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;

/**
 * The real parts the operator runs against in {@code @QuarkusTest}s: one {@link TestCluster} (its
 * own kube-apiserver with the CRD, its own moto behind the one-request-at-a-time {@link
 * AwsFaultProxy}), both accounts reached through the deployer role {@code xaccess-deployer}. One
 * per test JVM; test classes isolate by namespace and bucket names.
 */
public final class OperatorTestEnvironment implements QuarkusTestResourceLifecycleManager {

  /** The in-process operator's xaccess.cluster-name: its deployer sessions' xaccess:cluster tag. */
  public static final String CLUSTER_NAME = "xaccess-it";

  private static AwsTestAccounts accounts;

  private static TestCluster cluster;

  @Override
  public synchronized Map<String, String> start() {
    if (cluster == null) {
      cluster = TestCluster.start();
    }
    // The operator's own identity and endpoint come from the SDK's standard settings, as in
    // production; moto accepts any keys as its default account.
    System.setProperty("aws.endpointUrl", cluster.awsEndpoint().toString());
    System.setProperty("aws.accessKeyId", "operator-test");
    System.setProperty("aws.secretAccessKey", "operator-test");
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("kubeconfig", cluster.kube().kubeConfigFile().toString());
    return Map.of(
        "xaccess.cluster-name", CLUSTER_NAME,
        "xaccess.aws.deployer-role-name", "xaccess-deployer",
        "xaccess.aws.s3-path-style", "true",
        "xaccess.poll-interval", "1s",
        "xaccess.stalled-recheck-interval", "2s",
        "xaccess.verification.retry-initial-delay", "1s",
        "xaccess.verification.propagation-window", "5s",
        // Shortened so a test can hold a stack in progress past it (production default 1h).
        "xaccess.stack-operation-timeout", "15s",
        // No periodic drift check in the shared operator: a check's reads (and, on moto, repairs
        // of what its CloudFormation does not update) would land at a time no test chose.
        // DriftIT runs an operator of its own with a short interval; the annotation still works.
        "xaccess.drift.interval", "0");
  }

  @Override
  public void stop() {
    // Kept for the JVM's other test classes; shutdown hooks stop the processes.
  }

  public static TestCluster cluster() {
    return cluster;
  }

  public static LocalKubeApiServer kube() {
    return cluster.kube();
  }

  public static MotoServer moto() {
    return cluster.moto();
  }

  /** Both test accounts, read directly from moto (never through the operator's proxy). */
  public static synchronized AwsTestAccounts accounts() {
    if (accounts == null) {
      accounts = AwsTestAccounts.open(moto());
    }
    return accounts;
  }

  /** CloudFormation of the production account in its region, straight from moto. */
  public static CloudFormationClient productionCfn() {
    return accounts().production().cloudFormation(Region.AP_SOUTHEAST_2);
  }

  /** CloudFormation of the development account in its region, straight from moto. */
  public static CloudFormationClient developmentCfn() {
    return accounts().development().cloudFormation(Region.US_EAST_1);
  }

  /** Whether a stack of that name exists and is not deleted. */
  public static boolean stackExists(CloudFormationClient cfn, String name) {
    try {
      return cfn.describeStacks(r -> r.stackName(name)).stacks().stream()
          .anyMatch(s -> !"DELETE_COMPLETE".equals(s.stackStatusAsString()));
    } catch (CloudFormationException e) {
      return false;
    }
  }

  public static AwsFaultProxy proxy() {
    return cluster.proxy();
  }
}
