package io.xaccess.policy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.xaccess.aws.AwsProductionPolicies;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The IAM, S3 and KMS actions the drift check and its repairs call, read from the compiled {@link
 * AwsProductionPolicies} (every call on an {@link IamClient}, {@link S3Client} or {@link
 * KmsClient}): what the production deployer role must allow on a grant's role, bucket and key.
 */
final class DriftCalls {

  /** SDK methods whose IAM action is not their own name. */
  private static final Map<String, String> S3_ACTIONS =
      Map.of(
          "getBucketEncryption", "s3:GetEncryptionConfiguration",
          "putBucketEncryption", "s3:PutEncryptionConfiguration",
          "getPublicAccessBlock", "s3:GetBucketPublicAccessBlock",
          "putPublicAccessBlock", "s3:PutBucketPublicAccessBlock");

  private DriftCalls() {}

  /** The actions, by service prefix: {@code iam}, {@code s3} and {@code kms}. */
  static Map<String, Set<String>> actions() {
    JavaClasses classes =
        new ClassFileImporter().importPath(Path.of("target", "classes", "io", "xaccess", "aws"));
    Set<String> iam = new TreeSet<>();
    Set<String> s3 = new TreeSet<>();
    Set<String> kms = new TreeSet<>();
    classes.stream()
        .filter(c -> c.getName().startsWith(AwsProductionPolicies.class.getName()))
        .flatMap(c -> c.getMethodCallsFromSelf().stream())
        .forEach(
            call -> {
              String name = call.getName().replace("Paginator", "");
              if (call.getTargetOwner().isEquivalentTo(IamClient.class)) {
                iam.add("iam:" + capitalized(name));
              } else if (call.getTargetOwner().isEquivalentTo(S3Client.class)) {
                s3.add(S3_ACTIONS.getOrDefault(name, "s3:" + capitalized(name)));
              } else if (call.getTargetOwner().isEquivalentTo(KmsClient.class)) {
                kms.add("kms:" + capitalized(name));
              }
            });
    if (iam.size() < 8 || s3.size() < 4 || kms.size() < 2) {
      throw new IllegalStateException(
          "found only "
              + iam
              + s3
              + kms
              + " in AwsProductionPolicies: is target/classes compiled?");
    }
    return Map.of("iam", iam, "s3", s3, "kms", kms);
  }

  private static String capitalized(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
