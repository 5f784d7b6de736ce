package io.xaccess.tenancy;

import java.util.Optional;

/**
 * Whether a grant is permitted and, when it is, by which policy and with which deployer roles.
 *
 * @param permitted one policy selecting the grant's namespace permits all of it
 * @param policy the name of the permitting policy (the first by name), when permitted
 * @param productionDeployer the deployer role that policy names for the production account
 * @param developmentDeployer the deployer role that policy names for the development account
 * @param message what is missing when not permitted (each selecting policy and its broken rules),
 *     or which policy permits it
 */
public record Verdict(
    boolean permitted,
    Optional<String> policy,
    Optional<String> productionDeployer,
    Optional<String> developmentDeployer,
    String message) {

  public static Verdict refused(String message) {
    return new Verdict(false, Optional.empty(), Optional.empty(), Optional.empty(), message);
  }

  public static Verdict permittedBy(
      String policy, Optional<String> productionDeployer, Optional<String> developmentDeployer) {
    return new Verdict(
        true,
        Optional.of(policy),
        productionDeployer,
        developmentDeployer,
        "permitted by CrossAccountAccessPolicy " + policy);
  }
}
