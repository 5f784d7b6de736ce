package io.xaccess.aws;

import io.xaccess.api.v1alpha1.Reason;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.model.StsException;

/** Tells terminal from recoverable AWS failures and words them for a status condition. */
public final class AwsProblems {

  private static final Set<String> ACCESS_DENIED =
      Set.of(
          "AccessDenied",
          "AccessDeniedException",
          "UnauthorizedOperation",
          "AuthorizationError",
          "InvalidAccessKeyId",
          "InvalidClientTokenId",
          "SignatureDoesNotMatch",
          "UnrecognizedClientException");

  private static final Set<String> EXPIRED =
      Set.of("ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired");

  private static final Set<String> THROTTLED =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "RequestLimitExceeded",
          "TooManyRequestsException",
          "SlowDown",
          "PriorRequestNotComplete");

  private AwsProblems() {}

  /** Whether the failure is the network's (a connection refused, reset or timed out). */
  private static boolean causedByIo(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.io.IOException
          || cause instanceof software.amazon.awssdk.core.exception.ApiCallTimeoutException
          || cause
              instanceof software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Classifies a failure of {@code what} (for example "deploy the production stack") in account
   * {@code accountId} reached as {@code identity}.
   */
  public static AwsProblem classify(
      SdkException e, String what, String accountId, String identity) {
    // When the deployer role cannot be assumed, STS's answer surfaces from the credentials
    // provider (possibly wrapped): that answer, not the call that needed it, is what to report.
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StsException sts
          && sts.awsErrorDetails() != null
          && identity.startsWith("deployer role")) {
        String code = Objects.requireNonNullElse(sts.awsErrorDetails().errorCode(), "");
        boolean expired = EXPIRED.contains(code);
        if (expired || ACCESS_DENIED.contains(code)) {
          return new AwsProblem(
              AwsProblem.Kind.TERMINAL,
              expired ? Reason.CredentialsExpired : Reason.AssumeRoleDenied,
              "the operator cannot assume its "
                  + identity
                  + " in account "
                  + accountId
                  + " ("
                  + code
                  + ": "
                  + sts.awsErrorDetails().errorMessage()
                  + "): check that the role exists and that its trust policy allows the operator's"
                  + " identity, this cluster (its ClusterName = xaccess.cluster-name) and the"
                  + " grant's namespace (in its AllowedNamespaces; deploy/aws)",
              e);
        }
        if (cause != e) {
          return classify(sts, what, accountId, identity);
        }
      }
    }
    if (e instanceof AwsServiceException service) {
      // Proxies, load balancers and some emulator paths answer without an error code.
      String code =
          service.awsErrorDetails() == null
              ? ""
              : Objects.requireNonNullElse(service.awsErrorDetails().errorCode(), "");
      String detail =
          service.awsErrorDetails() == null
              ? e.getMessage()
              : service.awsErrorDetails().errorMessage();
      if (EXPIRED.contains(code)) {
        return new AwsProblem(
            AwsProblem.Kind.TERMINAL,
            Reason.CredentialsExpired,
            "AWS credentials of "
                + identity
                + " expired while trying to "
                + what
                + " in account "
                + accountId
                + ": renew them (for SSO: aws sso login; for IRSA/Pod Identity: check the projected"
                + " token) — the grant resumes on the next change or resync",
            e);
      }
      if (ACCESS_DENIED.contains(code)) {
        return new AwsProblem(
            AwsProblem.Kind.TERMINAL,
            Reason.AccessDenied,
            "access denied to "
                + identity
                + " trying to "
                + what
                + " in account "
                + accountId
                + ": "
                + detail
                + " — grant the deployer role the permissions in deploy/aws",
            e);
      }
      if (THROTTLED.contains(code)
          || service.isThrottlingException()
          || service.statusCode() >= 500) {
        return new AwsProblem(
            AwsProblem.Kind.RECOVERABLE,
            Reason.AwsUnavailable,
            "AWS answered "
                + (code.isEmpty()
                    ? "HTTP " + service.statusCode() + " without an error code"
                    : code + " (" + service.statusCode() + ")")
                + " trying to "
                + what
                + " in account "
                + accountId
                + "; retrying",
            e);
      }
      return new AwsProblem(
          AwsProblem.Kind.TERMINAL,
          Reason.AwsRejected,
          "AWS rejected the request to "
              + what
              + " in account "
              + accountId
              + (code.isEmpty() ? "" : " (" + code + ")")
              + ": "
              + detail,
          e);
    }
    if (e instanceof SdkClientException
        && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
      return new AwsProblem(
          AwsProblem.Kind.TERMINAL,
          Reason.NoCredentials,
          "the operator has no AWS identity to "
              + what
              + " in account "
              + accountId
              + ": configure IRSA or EKS Pod Identity on its service account (or AWS_* environment"
              + " credentials), or set credentials in the resource",
          e);
    }
    if (e instanceof SdkClientException) {
      // Either the network failed, or a reply arrived that could not be read (truncated, of the
      // wrong type, not AWS's at all): both pass.
      return new AwsProblem(
          AwsProblem.Kind.RECOVERABLE,
          Reason.AwsUnreachable,
          (causedByIo(e) ? "could not reach AWS to " : "could not read AWS's answer trying to ")
              + what
              + " in account "
              + accountId
              + ": "
              + e.getMessage()
              + "; retrying",
          e);
    }
    return new AwsProblem(
        AwsProblem.Kind.RECOVERABLE,
        Reason.AwsError,
        "failed to " + what + " in account " + accountId + ": " + e.getMessage(),
        e);
  }
}
