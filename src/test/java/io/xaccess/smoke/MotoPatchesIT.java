package io.xaccess.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xaccess.testing.AwsTestAccount;
import io.xaccess.testing.AwsTestAccounts;
import io.xaccess.testing.MotoExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.StackResource;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The four patches of xaccess's moto launcher ({@code tools/moto/xaccess_moto.py}, MOTO.md), proven
 * against the real moto: what a stack like the production one creates can be read back as from AWS
 * (bucket policy, public access block, key policy), and a bucket policy is not enforced on object
 * requests. Every assertion below fails on moto 5.2.5 without the launcher's patches.
 */
@ExtendWith(MotoExtension.class)
class MotoPatchesIT {

  private static final Region REGION = Region.AP_SOUTHEAST_2;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String BUCKET = "xaccess-moto-patches";
  private static final String READER_ARN =
      "arn:aws:iam::" + AwsTestAccounts.PRODUCTION + ":role/xaccess-moto-patches-reader";

  /**
   * A bucket with a public access block and its own KMS key, both retained, and a bucket policy
   * shaped like production.yaml's: TLS only, and object access for nobody but one role.
   */
  private static final String TEMPLATE =
      """
      Parameters:
        DeniedObjectActions: {Type: CommaDelimitedList}
      Resources:
        Reader:
          Type: AWS::IAM::Role
          Properties:
            RoleName: xaccess-moto-patches-reader
            AssumeRolePolicyDocument:
              Version: "2012-10-17"
              Statement:
                - Effect: Allow
                  Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::222222222222:root"}
                  Action: sts:AssumeRole
            Policies:
              - PolicyName: inline-read
                PolicyDocument:
                  Version: "2012-10-17"
                  Statement:
                    - Effect: Allow
                      Action: s3:GetObject
                      Resource: "*"
        Key:
          Type: AWS::KMS::Key
          DeletionPolicy: Retain
          Properties:
            Description: xaccess moto patches
            KeyPolicy:
              Version: "2012-10-17"
              Statement:
                - Sid: AccountAdministration
                  Effect: Allow
                  Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
                  Action: kms:*
                  Resource: "*"
                - Sid: ReaderUseThroughS3Only
                  Effect: Allow
                  Principal: {AWS: !GetAtt Reader.Arn}
                  Action: [kms:Decrypt, kms:GenerateDataKey]
                  Resource: "*"
                  Condition:
                    StringEquals:
                      kms:ViaService: !Sub "s3.${AWS::Region}.amazonaws.com"
        Bucket:
          Type: AWS::S3::Bucket
          DeletionPolicy: Retain
          Properties:
            BucketName: xaccess-moto-patches
            PublicAccessBlockConfiguration:
              BlockPublicAcls: true
              BlockPublicPolicy: true
              IgnorePublicAcls: true
              RestrictPublicBuckets: true
            BucketEncryption:
              ServerSideEncryptionConfiguration:
                - BucketKeyEnabled: true
                  ServerSideEncryptionByDefault:
                    SSEAlgorithm: aws:kms
                    KMSMasterKeyID: !GetAtt Key.Arn
        BucketPolicy:
          Type: AWS::S3::BucketPolicy
          Properties:
            Bucket: !Ref Bucket
            PolicyDocument:
              Version: "2012-10-17"
              Statement:
                - Sid: DenyInsecureTransport
                  Effect: Deny
                  Principal: "*"
                  Action: s3:*
                  Resource:
                    - !Sub "arn:${AWS::Partition}:s3:::${Bucket}"
                    - !Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"
                  Condition:
                    Bool: {aws:SecureTransport: "false"}
                - Sid: DenyObjectAccessToEveryoneElse
                  Effect: Deny
                  Principal: "*"
                  Action: !Ref DeniedObjectActions
                  Resource: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"
                  Condition:
                    ArnNotEquals:
                      aws:PrincipalArn: [!GetAtt Reader.Arn]
      """;

  @Test
  void whatTheStackDeclaresCanBeReadBackAndTheBucketPolicyIsNotEnforced(AwsTestAccounts accounts)
      throws Exception {
    AwsTestAccount production = accounts.production();
    CloudFormationClient cfn = production.cloudFormation(REGION);
    S3Client s3 = production.s3(REGION);
    KmsClient kms = production.kms(REGION);

    cfn.createStack(
        r ->
            r.stackName("moto-patches")
                .templateBody(TEMPLATE)
                .parameters(deniedObjectActions("s3:GetObject*,s3:PutObject*")));
    assertThat(status(cfn)).isEqualTo("CREATE_COMPLETE");

    // Gap 1: the policy is on the bucket, statement for statement.
    assertThat(policyStatements(s3))
        .isEqualTo(expectedStatements("[\"s3:GetObject*\", \"s3:PutObject*\"]"));
    assertThat(resources(cfn))
        .anySatisfy(
            r -> {
              assertThat(r.logicalResourceId()).isEqualTo("BucketPolicy");
              assertThat(r.physicalResourceId()).isEqualTo(BUCKET);
            });

    // Gap 2: neither Deny is enforced, though this session is not the reader and talks plain HTTP.
    s3.putObject(r -> r.bucket(BUCKET).key("data/object"), RequestBody.fromString("user data"));
    assertThat(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("data/object")).asUtf8String())
        .isEqualTo("user data");

    // Gap 5: the bucket key the template asked for (moto's CloudFormation dropped it).
    var rule =
        s3.getBucketEncryption(r -> r.bucket(BUCKET))
            .serverSideEncryptionConfiguration()
            .rules()
            .get(0);
    assertThat(rule.bucketKeyEnabled()).isTrue();
    assertThat(rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString())
        .isEqualTo("aws:kms");

    // Gap 3: the public access block, all four flags.
    assertThat(s3.getPublicAccessBlock(r -> r.bucket(BUCKET)).publicAccessBlockConfiguration())
        .isEqualTo(
            PublicAccessBlockConfiguration.builder()
                .blockPublicAcls(true)
                .blockPublicPolicy(true)
                .ignorePublicAcls(true)
                .restrictPublicBuckets(true)
                .build());

    // Gap 7: the role's inline policy is a JSON document, as IAM answers it (URL-encoded).
    String inline =
        java.net.URLDecoder.decode(
            accounts
                .production()
                .iam()
                .getRolePolicy(
                    r -> r.roleName("xaccess-moto-patches-reader").policyName("inline-read"))
                .policyDocument(),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(inline).path("Statement"))
        .hasSize(1);

    // Gap 4: the key policy is a JSON string that means what the template says; DescribeKey works.
    String keyId = physicalId(cfn, "Key");
    String keyPolicy = kms.getKeyPolicy(r -> r.keyId(keyId).policyName("default")).policy();
    assertThat(JSON.readTree(keyPolicy)).isEqualTo(expectedKeyPolicy());
    assertThat(kms.describeKey(r -> r.keyId(keyId)).keyMetadata().keyStateAsString())
        .isEqualTo("Enabled");

    // An update that changes the policy's parameters puts the new document. It changes the key
    // too (its description), which moto cannot update (gap 8: the bucket's Fn::GetAtt of the key
    // failed the whole update).
    cfn.updateStack(
        r ->
            r.stackName("moto-patches")
                .templateBody(
                    TEMPLATE.replace("Description: xaccess moto patches", "Description: v2"))
                .parameters(deniedObjectActions("s3:GetObject*,s3:PutObject*,s3:DeleteObject*")));
    assertThat(status(cfn)).isEqualTo("UPDATE_COMPLETE");
    assertThat(policyStatements(s3))
        .isEqualTo(
            expectedStatements("[\"s3:GetObject*\", \"s3:PutObject*\", \"s3:DeleteObject*\"]"));

    // Deleting the stack removes the policy; the retained bucket, its data and the key stay.
    cfn.deleteStack(r -> r.stackName("moto-patches"));
    assertThatThrownBy(() -> s3.getBucketPolicy(r -> r.bucket(BUCKET)))
        .isInstanceOfSatisfying(
            S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucketPolicy"));
    assertThat(s3.listBuckets().buckets()).anyMatch(b -> b.name().equals(BUCKET));
    assertThat(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("data/object")).asUtf8String())
        .isEqualTo("user data");
    assertThat(production.kmsKeyState(REGION, keyId)).isEqualTo("Enabled");
  }

  /** Gap 2 on its own: the TLS-only policy xaccess leaves on a retained bucket is not enforced. */
  @Test
  void aBucketPolicyPutThroughTheApiIsNotEnforcedEither(AwsTestAccounts accounts) {
    S3Client s3 = accounts.production().s3(REGION);
    String bucket = "xaccess-moto-patches-tls-only";
    s3.createBucket(
        r -> r.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(REGION.id())));
    s3.putObject(r -> r.bucket(bucket).key("keep-me"), RequestBody.fromString("user data"));
    s3.putBucketPolicy(
        r ->
            r.bucket(bucket)
                .policy(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecureTransport\","
                        + "\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
                        + "\"Resource\":[\"arn:aws:s3:::"
                        + bucket
                        + "\",\"arn:aws:s3:::"
                        + bucket
                        + "/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"));

    // moto 5.2.5 answers 403 to both (it evaluates the Deny without any request context).
    assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("keep-me")).asUtf8String())
        .isEqualTo("user data");
    s3.putObject(r -> r.bucket(bucket).key("more"), RequestBody.fromString("more data"));
    assertThat(s3.getBucketPolicy(r -> r.bucket(bucket)).policy())
        .contains("DenyInsecureTransport");
  }

  private static Parameter deniedObjectActions(String actions) {
    return Parameter.builder().parameterKey("DeniedObjectActions").parameterValue(actions).build();
  }

  private static String status(CloudFormationClient cfn) {
    return cfn.describeStacks(r -> r.stackName("moto-patches"))
        .stacks()
        .get(0)
        .stackStatusAsString();
  }

  private static List<StackResource> resources(CloudFormationClient cfn) {
    return cfn.describeStackResources(r -> r.stackName("moto-patches")).stackResources();
  }

  private static String physicalId(CloudFormationClient cfn, String logicalId) {
    return resources(cfn).stream()
        .filter(r -> logicalId.equals(r.logicalResourceId()))
        .map(StackResource::physicalResourceId)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + logicalId + " in the stack"));
  }

  /**
   * The bucket's policy as moto answers GetBucketPolicy (a JSON string), parsed: its statements.
   */
  private static JsonNode policyStatements(S3Client s3) throws Exception {
    JsonNode policy = JSON.readTree(s3.getBucketPolicy(r -> r.bucket(BUCKET)).policy());
    assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
    return policy.path("Statement");
  }

  private static JsonNode expectedStatements(String deniedActions) throws Exception {
    return JSON.readTree(
        """
        [
          {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
           "Resource": ["arn:aws:s3:::%1$s", "arn:aws:s3:::%1$s/*"],
           "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
          {"Sid": "DenyObjectAccessToEveryoneElse", "Effect": "Deny", "Principal": "*",
           "Action": %2$s, "Resource": "arn:aws:s3:::%1$s/*",
           "Condition": {"ArnNotEquals": {"aws:PrincipalArn": ["%3$s"]}}}
        ]
        """
            .formatted(BUCKET, deniedActions, READER_ARN));
  }

  private static JsonNode expectedKeyPolicy() throws Exception {
    return JSON.readTree(
        """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "AccountAdministration", "Effect": "Allow",
           "Principal": {"AWS": "arn:aws:iam::%1$s:root"}, "Action": "kms:*", "Resource": "*"},
          {"Sid": "ReaderUseThroughS3Only", "Effect": "Allow", "Principal": {"AWS": "%2$s"},
           "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
           "Condition": {"StringEquals": {"kms:ViaService": "s3.%3$s.amazonaws.com"}}}
        ]}
        """
            .formatted(AwsTestAccounts.PRODUCTION, READER_ARN, REGION.id()));
  }
}
