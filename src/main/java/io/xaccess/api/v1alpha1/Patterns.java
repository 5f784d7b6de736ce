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

  /**
   * An IAM role or user ARN of one account (12 digits, never a wildcard): path segments and name of
   * IAM's characters without the comma (it would split the CommaDelimitedList parameter), plus * as
   * a wildcard (matched with aws:PrincipalArn). No ?, $, { or }: an ArnLike wildcard and policy
   * variables.
   */
  static final String PRINCIPAL_ARN =
      "^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)/([\\\\w+=.@*-]+/)*[\\\\w+=.@*-]+$";

  /**
   * A key prefix of S3's "safe characters" (letters, digits, ! - _ . ' ( )) and / as the delimiter,
   * without *, which IAM reads as a wildcard.
   */
  static final String KEY_PREFIX = "^[a-zA-Z0-9!_.\\'()/-]+$";

  /** Characters IAM reads as wildcards (* ?) or policy variables (${...}) in a policy. */
  static final String IAM_SPECIALS = "[*?${}]";

  /** An IAM role name. */
  static final String ROLE_NAME = "^[\\\\w+=,.@-]{1,64}$";

  /** A KMS key ARN (key id or alias). */
  static final String KMS_KEY_ARN =
      "^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:[0-9]{12}:(key/[a-zA-Z0-9-]{1,128}|alias/[a-zA-Z0-9/_-]{1,250})$";

  /** A Go-style duration of hours, minutes and seconds: 90m, 1h, 1h30m. */
  static final String DURATION = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$";

  /** A 12-digit AWS account id. */
  static final String ACCOUNT_ID = "^[0-9]{12}$";

  /** A CloudFormation stack name: a letter, then letters, digits and hyphens, 128 at most. */
  static final String STACK_NAME = "^[A-Za-z][A-Za-z0-9-]{0,127}$";

  /**
   * The actions a grant may give, as a CEL list literal (RoleSpec.ALLOWED_ACTIONS; PatternsTest
   * keeps the two the same).
   */
  static final String ALLOWED_ACTIONS =
      "['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:PutObject',"
          + " 's3:PutObjectTagging', 's3:DeleteObject', 's3:ListBucket', 's3:ListBucketVersions',"
          + " 's3:GetBucketLocation', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts',"
          + " 's3:ListBucketMultipartUploads']";

  /** An RFC 3339 time with seconds and a zone (Z or an offset), as CEL's timestamp() reads it. */
  static final String RFC3339 =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$";

  private Patterns() {}
}
