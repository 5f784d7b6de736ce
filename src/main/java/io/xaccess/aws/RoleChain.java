package io.xaccess.aws;

import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.grant.Arns;
import io.xaccess.grant.Grant;
import io.xaccess.grant.SecretValue;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The verifier's way in, as a development principal would take it: from the operator's identity in
 * the development account to the verifier role, then to the production role. Each session is
 * short-lived and nothing of it is cached: its credentials ride on each request through clients
 * that hold no identity of their own ({@link AwsClients#sessionSts}, {@link AwsClients#sessionS3}).
 */
@ApplicationScoped
public class RoleChain {

  /** The first hop only needs to last for the second AssumeRole. */
  private static final Duration FIRST_HOP = Duration.ofMinutes(15);

  private final AwsClients clients;

  public RoleChain(AwsClients clients) {
    this.clients = clients;
  }

  /**
   * Opens an S3 session in {@code targetRegion} as {@code secondRoleArn}, reached from {@code
   * start}'s operator identity through {@code firstRoleArn}. The second AssumeRole goes to the STS
   * endpoint of {@code stsRegion} (what the production role's aws:RequestedRegion condition sees)
   * and carries {@code sessionPolicy}, which narrows the session below the role's own rights.
   */
  public BucketSession open(
      Grant.Account start,
      String firstRoleArn,
      String secondRoleArn,
      Optional<SecretValue> externalId,
      String sessionName,
      Duration duration,
      String stsRegion,
      String sessionPolicy,
      String targetRegion) {
    Credentials first =
        assume(
            clients.sts(start),
            null,
            firstRoleArn,
            Optional.empty(),
            Optional.empty(),
            sessionName,
            FIRST_HOP,
            start.accountId());
    String target = Arns.accountOf(secondRoleArn);
    Credentials second =
        assume(
            clients.sessionSts(stsRegion),
            StaticCredentialsProvider.create(session(first)),
            secondRoleArn,
            externalId,
            Optional.of(sessionPolicy),
            sessionName,
            duration,
            target);
    return new BucketSession(
        clients.sessionS3(targetRegion),
        target,
        "role " + secondRoleArn,
        StaticCredentialsProvider.create(session(second)));
  }

  /** One AssumeRole through {@code sts}, as {@code as} when given (else the client's identity). */
  private static Credentials assume(
      StsClient sts,
      AwsCredentialsProvider as,
      String roleArn,
      Optional<SecretValue> externalId,
      Optional<String> sessionPolicy,
      String sessionName,
      Duration duration,
      String accountId) {
    try {
      AssumeRoleRequest.Builder request =
          AssumeRoleRequest.builder()
              .roleArn(roleArn)
              .roleSessionName(sessionName)
              .durationSeconds((int) duration.toSeconds());
      externalId.ifPresent(id -> request.externalId(id.reveal()));
      sessionPolicy.ifPresent(request::policy);
      if (as != null) {
        request.overrideConfiguration(o -> o.credentialsProvider(as));
      }
      Credentials credentials = sts.assumeRole(request.build()).credentials();
      if (credentials == null || credentials.accessKeyId() == null) {
        throw new AwsProblem(
            AwsProblem.Kind.RECOVERABLE,
            Reason.AwsUnavailable,
            "AWS answered AssumeRole of " + roleArn + " without credentials; retrying",
            null);
      }
      return credentials;
    } catch (SdkException e) {
      throw AwsProblems.classify(e, "assume " + roleArn, accountId, "the verifier");
    }
  }

  private static AwsSessionCredentials session(Credentials c) {
    return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
  }
}
