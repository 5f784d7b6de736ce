package io.xaccess.verification;

import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsClients;
import io.xaccess.aws.AwsProblem;
import io.xaccess.aws.BucketSession;
import io.xaccess.aws.RoleChain;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.grant.Arns;
import io.xaccess.grant.Grant;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Proves a grant the way a development principal would use it: the operator's development identity
 * assumes the verifier role, which assumes the production role (with the external id), and that
 * session puts an object under the verification prefix, reads it back and compares, and lists it —
 * each step the role's actions allow. The operator's production identity then removes the version
 * of that one object the put created (by its id: one call, no delete marker left). Nothing else in
 * the bucket is touched.
 */
@ApplicationScoped
public class AssumedRoleVerifier implements AccessVerifier {

  /** Role chaining caps a session at one hour, whatever the role allows. */
  private static final Duration MAX_CHAINED_SESSION = Duration.ofHours(1);

  private final AwsClients clients;
  private final RoleChain chain;
  private final Clock clock;

  public AssumedRoleVerifier(AwsClients clients, RoleChain chain, Clock clock) {
    this.clients = clients;
    this.chain = chain;
    this.clock = clock;
  }

  @Override
  public VerificationOutcome verify(Grant grant, String productionRoleArn, String verifierRoleArn) {
    String bucket = grant.bucket().name();
    String key = grant.verificationPrefix() + grant.uid() + "/" + clock.millis() + ".txt";
    byte[] content =
        ("xaccess verification of "
                + grant.namespace()
                + "/"
                + grant.name()
                + " "
                + UUID.randomUUID())
            .getBytes(StandardCharsets.UTF_8);
    List<String> actions = grant.role().actions();
    boolean rolePuts = actions.contains("s3:PutObject");
    List<String> proven = new ArrayList<>();
    long start = clock.millis();
    boolean written = false;
    String version = null;
    try (BucketSession operator = clients.operatorSession(grant.production());
        BucketSession role =
            chain.open(
                grant.development(),
                verifierRoleArn,
                productionRoleArn,
                grant.trust().externalId(),
                StackNames.verificationSession(grant.namespace(), grant.name()),
                min(grant.sessionDuration(), MAX_CHAINED_SESSION),
                stsRegion(grant),
                VerifierSessionPolicy.of(grant, Arns.partitionOf(productionRoleArn)),
                grant.production().region())) {
      proven.add("assumed " + productionRoleArn);
      try {
        version = (rolePuts ? role : operator).put(bucket, key, content);
        written = true;
        if (rolePuts) {
          proven.add("put");
        }
        if (actions.contains("s3:GetObject")) {
          byte[] read = role.get(bucket, key);
          if (!Arrays.equals(read, content)) {
            return failed(
                key,
                start,
                Reason.ContentMismatch,
                "the object read back through the role differs from what was written");
          }
          proven.add("get");
        }
        if (actions.contains("s3:ListBucket")) {
          if (!role.list(bucket, key).contains(key)) {
            return failed(
                key,
                start,
                Reason.ListMismatch,
                "listing through the role did not show the object just written");
          }
          proven.add("list");
        }
      } finally {
        if (written) {
          operator.removeVersion(bucket, key, version);
        }
      }
      return new VerificationOutcome(
          true,
          key,
          clock.millis() - start,
          Reason.UploadSucceeded,
          "verified through the assumed role: "
              + String.join(", ", proven)
              + " on s3://"
              + bucket
              + "/"
              + grant.verificationPrefix());
    } catch (AwsProblem problem) {
      return failed(key, start, problem.reason(), problem.getMessage());
    }
  }

  /**
   * Where the verifier calls STS for the production role: aws:RequestedRegion in the role's trust
   * is the STS endpoint's region, so the first allowed region when trust.regions is set, else the
   * development account's region.
   */
  static String stsRegion(Grant grant) {
    List<String> regions = grant.trust().regions();
    return regions.isEmpty() ? grant.development().region() : regions.get(0);
  }

  private VerificationOutcome failed(String key, long start, Reason reason, String message) {
    return new VerificationOutcome(false, key, clock.millis() - start, reason, message);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
