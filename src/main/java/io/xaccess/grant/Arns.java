package io.xaccess.grant;

/** IAM ARNs, built and taken apart in one place; the partition comes from configuration. */
public final class Arns {

  /** The permissions-boundary name that means "no boundary". */
  public static final String NO_BOUNDARY = "none";

  private Arns() {}

  /** {@code arn:<partition>:iam::<account>:role/<name>}. */
  public static String role(String partition, String accountId, String name) {
    return "arn:" + partition + ":iam::" + accountId + ":role/" + name;
  }

  /**
   * The permissions boundary every role of a grant carries in {@code accountId}: {@code
   * arn:<partition>:iam::<account>:policy/<name>}, the managed policy the deployer templates
   * create. Empty when {@code name} is {@code none} or blank: roles get no boundary.
   */
  public static String permissionsBoundary(String partition, String accountId, String name) {
    if (name == null || name.isBlank() || NO_BOUNDARY.equals(name)) {
      return "";
    }
    return "arn:" + partition + ":iam::" + accountId + ":policy/" + name;
  }

  /** {@code arn:<partition>:iam::<account>:*}: a pattern matching every principal of an account. */
  public static String anyPrincipal(String partition, String accountId) {
    return "arn:" + partition + ":iam::" + accountId + ":*";
  }

  /** The partition field of an ARN ({@code aws}, {@code aws-cn}, {@code aws-us-gov}). */
  public static String partitionOf(String arn) {
    String[] parts = arn.split(":", 6);
    if (parts.length < 6) {
      throw new IllegalArgumentException("not an ARN: " + arn);
    }
    return parts[1];
  }

  /** The account id field of an ARN. */
  public static String accountOf(String arn) {
    String[] parts = arn.split(":", 6);
    if (parts.length < 6) {
      throw new IllegalArgumentException("not an ARN: " + arn);
    }
    return parts[4];
  }

  /**
   * The role behind a caller identity: {@code arn:aws:sts::1:assumed-role/Name/session} becomes
   * {@code arn:aws:iam::1:role/Name}; any other ARN is returned unchanged.
   */
  public static String roleOfCaller(String callerArn) {
    String[] parts = callerArn.split(":", 6);
    if (parts.length == 6 && "sts".equals(parts[2]) && parts[5].startsWith("assumed-role/")) {
      return role(parts[1], parts[4], parts[5].split("/")[1]);
    }
    return callerArn;
  }

  /** The part after {@code role/} or {@code user/}, path included: what a principal names. */
  public static String resourceOf(String arn) {
    String[] parts = arn.split(":", 6);
    return parts.length == 6 ? parts[5] : arn;
  }
}
