package io.xaccess.bench;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.testing.AwsTestAccounts;

/**
 * The grant every bench run applies: the shape of {@code examples/basic.yaml} (a new KMS-encrypted
 * bucket, any development principal, verification on) with a unique name, bucket and role name, so
 * grants never share an AWS resource.
 */
public final class BenchGrants {

  public static final String NAMESPACE = "bench";
  public static final String PRODUCTION_REGION = "ap-southeast-2";
  public static final String DEVELOPMENT_REGION = "us-east-1";

  private BenchGrants() {}

  public static CrossAccountAccess grant(String namespace, String name) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: xaccess.io/v1alpha1",
            "kind: CrossAccountAccess",
            "metadata: {name: " + name + ", namespace: " + namespace + "}",
            "spec:",
            "  production: {accountId: '"
                + AwsTestAccounts.PRODUCTION
                + "', region: "
                + PRODUCTION_REGION
                + "}",
            "  development: {accountId: '"
                + AwsTestAccounts.DEVELOPMENT
                + "', region: "
                + DEVELOPMENT_REGION
                + "}",
            "  bucket: {name: xaccess-" + namespace + "-" + name + "}",
            "  role: {name: DevToProdS3Publisher-" + namespace + "-" + name + "}",
            "");
    return Serialization.unmarshal(yaml, CrossAccountAccess.class);
  }
}
