package io.xaccess.verification;

import io.xaccess.grant.Grant;

/** Proves that a grant's access works, as a development principal would use it. */
public interface AccessVerifier {

  /**
   * One proof of access; never throws for an AWS failure, which comes back as a failed outcome.
   *
   * @param productionRoleArn the role the production stack created
   * @param verifierRoleArn the verifier role the development stack created
   */
  VerificationOutcome verify(Grant grant, String productionRoleArn, String verifierRoleArn);
}
