package io.xaccess.aws;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * The session tags on every deployer-role session: the cluster the operator runs in and the
 * namespace of the grant the session works for. The deployer templates' trust policies admit a
 * session only with exactly these two tags, the account owner's cluster name and one of the
 * namespaces they listed, so an account can be reached only from namespaces its owner agreed to —
 * whatever the cluster's own policy objects say.
 */
public final class DeployerSessionTags {

  /** Tag key of the cluster name ({@code xaccess.cluster-name}). */
  public static final String CLUSTER = "xaccess:cluster";

  /** Tag key of the grant's namespace. */
  public static final String NAMESPACE = "xaccess:namespace";

  /**
   * What xaccess accepts as a tag value: AWS's session-tag value characters (letters, digits,
   * spaces, {@code _ . : / = + - @}, at most 256), kept to ASCII so that the deployer templates'
   * AllowedPattern and the operator accept the same names, with no space at either end (a
   * StringEquals in the trust would not forgive it).
   */
  private static final Pattern VALUE =
      Pattern.compile("[A-Za-z0-9_.:/=+@-]([A-Za-z0-9 _.:/=+@-]{0,254}[A-Za-z0-9_.:/=+@-])?");

  private DeployerSessionTags() {}

  /** The tags of a deployer session for a grant of {@code namespace} in {@code cluster}. */
  static List<Tag> of(String cluster, String namespace) {
    return List.of(
        Tag.builder().key(CLUSTER).value(checked("the cluster name", cluster)).build(),
        Tag.builder().key(NAMESPACE).value(checked("the namespace", namespace)).build());
  }

  /**
   * Checks the configured cluster name ({@code xaccess.cluster-name}) against AWS's tag-value
   * rules, so that a bad one stops the operator at startup instead of failing every AssumeRole.
   *
   * @throws IllegalArgumentException naming the setting and the rule
   */
  public static String checkClusterName(String name) {
    return checked("xaccess.cluster-name (XACCESS_CLUSTER_NAME, chart value clusterName)", name);
  }

  private static String checked(String what, String value) {
    if (value == null || !VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + value
              + "' cannot be an AWS session tag value: use 1-256 letters, digits, spaces or"
              + " _.:/=+-@ (ASCII), not starting or ending with a space");
    }
    if (value.toLowerCase(Locale.ROOT).startsWith("aws:")) {
      throw new IllegalArgumentException(
          what + " '" + value + "' starts with 'aws:', which AWS reserves for its own tags");
    }
    return value;
  }
}
