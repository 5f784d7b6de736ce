package io.xaccess.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaccess.api.v1alpha1.Reason;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.sts.model.StsException;

/** Every shape of AWS failure becomes a classified problem, never an exception of its own. */
class AwsProblemsTest {

  private static AwsProblem classify(Exception e) {
    return AwsProblems.classify(
        (software.amazon.awssdk.core.exception.SdkException) e,
        "deploy the production stack",
        "111111111111",
        "deployer role arn:aws:iam::111111111111:role/xaccess-deployer");
  }

  private static AwsServiceException service(int status, String code, String message) {
    return CloudFormationException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
        .message(message)
        .build();
  }

  @Test
  void anHtmlServerErrorWithoutAnErrorCodeIsRetried() {
    // What a proxy, a load balancer or moto's half-failed stack answers: a 500 page, no code.
    AwsProblem problem = classify(service(500, null, "Internal Server Error"));
    assertThat(problem.terminal()).isFalse();
    assertThat(problem.reason()).isEqualTo(Reason.AwsUnavailable);
  }

  @Test
  void aServiceErrorWithoutDetailsIsRetriedWhenServerSide() {
    AwsProblem problem =
        classify(CloudFormationException.builder().statusCode(503).message("down").build());
    assertThat(problem.terminal()).isFalse();
  }

  @Test
  void aCodelessStsAnswerDuringAssumeRoleIsClassified() {
    StsException sts =
        (StsException)
            StsException.builder()
                .statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorMessage("<html>").build())
                .build();
    AwsProblem problem = classify(SdkClientException.create("Unable to assume", sts));
    assertThat(problem.reason()).isIn(Reason.AwsUnavailable, Reason.AwsUnreachable);
    assertThat(problem.terminal()).isFalse();
  }

  @Test
  void aRejectionNamesAwsErrorCodeInTheMessageNotAsTheReason() {
    AwsProblem problem = classify(service(400, "ValidationError", "Template format error"));
    assertThat(problem.terminal()).isTrue();
    assertThat(problem.reason()).isEqualTo(Reason.AwsRejected);
    assertThat(problem.getMessage()).contains("(ValidationError): Template format error");
  }

  @Test
  void accessDeniedIsTerminalAndSaysWhatToGrant() {
    AwsProblem problem = classify(service(403, "AccessDenied", "not authorized"));
    assertThat(problem.reason()).isEqualTo(Reason.AccessDenied);
    assertThat(problem.getMessage()).contains("deploy/aws");
  }

  @Test
  void throttlingIsRetried() {
    assertThat(classify(service(400, "Throttling", "Rate exceeded")).terminal()).isFalse();
  }
}
