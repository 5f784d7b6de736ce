package io.xaccess.status;

import io.xaccess.grant.Grant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code trust.requireMfa} only works for IAM users signing in with MFA: role sessions never carry
 * it (SSO and role chaining included). Names the allowed principals that can therefore never assume
 * the role.
 */
public final class MfaAdvisory {

  private MfaAdvisory() {}

  /** Which allowed principals can never satisfy requireMfa, in words, if any. */
  public static Optional<String> of(Grant grant) {
    if (!grant.trust().requireMfa()) {
      return Optional.empty();
    }
    List<String> never = new ArrayList<>();
    if (grant.principals().isEmpty()) {
      never.add("any role of the development account (no principals are listed)");
    }
    grant.principals().stream().filter(p -> p.contains(":role/")).forEach(never::add);
    grant
        .assumer()
        .ifPresent(a -> never.add("the assumer role " + a.name() + " (" + a.trustedBy() + ")"));
    if (never.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "trust.requireMfa is set, but role sessions never carry MFA (SSO and role chaining"
            + " included), so these can never assume the role: "
            + String.join(", ", never)
            + ". Only IAM users signing in with MFA can; the operator's verifier is exempt.");
  }
}
