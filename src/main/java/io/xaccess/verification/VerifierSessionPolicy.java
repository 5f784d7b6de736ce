package io.xaccess.verification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xaccess.grant.Grant;
import java.util.List;
import java.util.Map;

/**
 * The session policy the verifier's production-role session carries: whatever the role may do, the
 * verifier's session can only write, read back and list its own objects under the verification
 * prefix, and use a KMS key only through S3 for them. Removing the object is the operator's
 * production identity's job, so the session cannot delete. A compromised verifier session therefore
 * never reaches the users' data under the grant's prefix.
 */
public final class VerifierSessionPolicy {

  private static final ObjectMapper JSON = new ObjectMapper();

  private VerifierSessionPolicy() {}

  /** The policy document, as JSON, for {@code grant} in {@code partition}. */
  public static String of(Grant grant, String partition) {
    String bucket = "arn:" + partition + ":s3:::" + grant.bucket().name();
    String prefix = grant.verificationPrefix();
    Map<String, Object> policy =
        Map.of(
            "Version",
            "2012-10-17",
            "Statement",
            List.of(
                Map.of(
                    "Sid",
                    "VerificationObjectsOnly",
                    "Effect",
                    "Allow",
                    "Action",
                    List.of("s3:PutObject", "s3:GetObject"),
                    "Resource",
                    bucket + "/" + prefix + "*"),
                Map.of(
                    "Sid",
                    "ListVerificationPrefixOnly",
                    "Effect",
                    "Allow",
                    "Action",
                    "s3:ListBucket",
                    "Resource",
                    bucket,
                    "Condition",
                    Map.of("StringLike", Map.of("s3:prefix", prefix + "*"))),
                Map.of(
                    "Sid",
                    "KeyThroughS3Only",
                    "Effect",
                    "Allow",
                    "Action",
                    List.of("kms:GenerateDataKey", "kms:Decrypt"),
                    "Resource",
                    "*",
                    "Condition",
                    Map.of(
                        "StringEquals",
                        Map.of(
                            "kms:ViaService",
                            "s3." + grant.production().region() + ".amazonaws.com")))));
    try {
      return JSON.writeValueAsString(policy);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the verifier's session policy", e);
    }
  }
}
