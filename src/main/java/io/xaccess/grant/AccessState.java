package io.xaccess.grant;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Whether a grant's access is open, and the time before which its role's sessions are revoked: what
 * the stacks are deployed with besides the grant itself.
 *
 * @param open false once the grant expired: no trust, no assume permission
 * @param revokeSessionsBefore sessions of the production role issued before it are denied
 *     (aws:TokenIssueTime), at whole seconds
 */
public record AccessState(boolean open, Optional<Instant> revokeSessionsBefore) {

  /** Open, nothing revoked: a grant without an end or revocation. */
  public static final AccessState OPEN = new AccessState(true, Optional.empty());

  public AccessState {
    revokeSessionsBefore = revokeSessionsBefore.map(t -> t.truncatedTo(ChronoUnit.SECONDS));
  }
}
