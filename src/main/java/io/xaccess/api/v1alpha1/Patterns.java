package io.xaccess.api.v1alpha1;

/**
 * Regular expressions shared by the schema's CEL rules (RE2 syntax, as the API server runs them).
 */
final class Patterns {

  /** Commercial, China and GovCloud region names: us-east-1, cn-north-1, us-gov-west-1. */
  static final String REGION =
      "^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[0-9]{1,2}$";

  /** An IAM role ARN, optionally with a path. */
  static final String ROLE_ARN =
      "^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/([\\\\w+=,.@-]+/)*[\\\\w+=,.@-]{1,64}$";

  /** An IAM role or user ARN, with * allowed in path and name (matched with aws:PrincipalArn). */
  static final String PRINCIPAL_ARN =
      "^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)/[\\\\w+=,.@/*-]{1,512}$";

  /** An IAM role name. */
  static final String ROLE_NAME = "^[\\\\w+=,.@-]{1,64}$";

  /** A KMS key ARN (key id or alias). */
  static final String KMS_KEY_ARN =
      "^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:[0-9]{12}:(key/[a-zA-Z0-9-]{1,128}|alias/[a-zA-Z0-9/_-]{1,250})$";

  /** A Go-style duration of hours, minutes and seconds: 90m, 1h, 1h30m. */
  static final String DURATION = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$";

  private Patterns() {}
}
