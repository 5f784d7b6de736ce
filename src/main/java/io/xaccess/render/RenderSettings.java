package io.xaccess.render;

import io.xaccess.grant.Arns;
import java.util.Optional;

/**
 * The operator settings a render assumes, as the Helm chart installs them by default: they shape
 * the stacks but are not in the grant.
 *
 * @param partition the accounts' AWS partition (xaccess.aws.partition)
 * @param deployerRoleName the deployer role in an account whose credentials a grant omits
 *     (xaccess.aws.deployer-role-name; the chart's default xaccess-deployer), empty for the
 *     operator's own identity
 * @param permissionsBoundaryName the grant roles' permissions boundary (xaccess.aws.
 *     permissions-boundary-name), {@code none} for no boundary
 * @param namespace the namespace of a manifest that names none (kubectl's default)
 */
public record RenderSettings(
    String partition,
    Optional<String> deployerRoleName,
    String permissionsBoundaryName,
    String namespace) {

  /** The chart's defaults. */
  public static RenderSettings defaults() {
    return new RenderSettings(
        "aws", Optional.of("xaccess-deployer"), "xaccess-grant-boundary", "default");
  }

  public RenderSettings withPartition(String value) {
    return new RenderSettings(value, deployerRoleName, permissionsBoundaryName, namespace);
  }

  /** {@code none} (or blank): the operator's own identity. */
  public RenderSettings withDeployerRoleName(String value) {
    return new RenderSettings(
        partition,
        value.isBlank() || Arns.NO_BOUNDARY.equals(value) ? Optional.empty() : Optional.of(value),
        permissionsBoundaryName,
        namespace);
  }

  public RenderSettings withPermissionsBoundaryName(String value) {
    return new RenderSettings(partition, deployerRoleName, value, namespace);
  }

  public RenderSettings withNamespace(String value) {
    return new RenderSettings(partition, deployerRoleName, permissionsBoundaryName, value);
  }
}
