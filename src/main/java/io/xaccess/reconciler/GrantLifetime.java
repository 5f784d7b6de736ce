package io.xaccess.reconciler;

import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessSpec;
import io.xaccess.api.v1alpha1.CrossAccountAccessStatus;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.grant.AccessState;
import io.xaccess.grant.Durations;
import io.xaccess.grant.GrantProblem;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * When a grant's access ends and which of its sessions are revoked, decided from the spec, the
 * annotation and what status recorded — never from memory, so a restarted operator or a new leader
 * comes to the same answer:
 *
 * <ul>
 *   <li>the end is {@code spec.expiresAt}, or {@code status.firstReadyTime + spec.ttl};
 *   <li>once it is reached the access is closed, and {@code closedAt} (the first look after the
 *       end, kept in status) bounds the sessions that stay revoked — also after a renewal, so a
 *       credential from before the expiry never works again;
 *   <li>the revocation bound the role carries is the later of {@code closedAt} and the {@value
 *       CrossAccountAccess#REVOKE_SESSIONS_ANNOTATION} annotation.
 * </ul>
 *
 * Times are whole seconds, rounded up: a bound never lets a session of its own second through.
 *
 * @param expiresAt the end, if the grant has one yet
 * @param expired whether the end is reached
 * @param closedAt when the latest expiry closed the access
 * @param revokedByAnnotation the annotation's bound, if set, or the bound deployed before when that
 *     is later and already past (revocations are never undone)
 */
record GrantLifetime(
    Optional<Instant> expiresAt,
    boolean expired,
    Optional<Instant> closedAt,
    Optional<Instant> revokedByAnnotation) {

  /**
   * The lifetime of {@code resource} at {@code now}. An annotation that is not a time is a problem
   * only while the access is open: anyone who may edit the grant may write it and no admission
   * check reads it, so it must never keep a grant open past its end (closing needs no annotation:
   * the expiry's own bound is deployed).
   */
  static GrantLifetime of(CrossAccountAccess resource, Instant now) throws GrantProblem {
    try {
      return of(resource, annotation(resource), now);
    } catch (GrantProblem invalid) {
      GrantLifetime lifetime = ignoringAnnotation(resource, now);
      if (!lifetime.expired()) {
        throw invalid;
      }
      return lifetime;
    }
  }

  /** The lifetime of {@code resource} at {@code now} as if it had no revocation annotation. */
  static GrantLifetime ignoringAnnotation(CrossAccountAccess resource, Instant now) {
    return of(resource, Optional.empty(), now);
  }

  private static GrantLifetime of(
      CrossAccountAccess resource, Optional<Instant> revokedByAnnotation, Instant now) {
    CrossAccountAccessStatus status =
        resource.getStatus() != null ? resource.getStatus() : new CrossAccountAccessStatus();
    return of(
        resource.getSpec(),
        Optional.ofNullable(status.getFirstReadyTime()).map(Instant::parse),
        Optional.ofNullable(status.getClosedAt()).map(Instant::parse),
        later(revokedByAnnotation, applied(status, now)),
        now);
  }

  /**
   * A revocation is never undone: a bound already deployed and past stays the floor, so lowering or
   * removing the annotation lets no revoked session back in. (One still in the future revoked
   * nothing yet; it may be moved back.)
   */
  private static Optional<Instant> applied(CrossAccountAccessStatus status, Instant now) {
    return Optional.ofNullable(status.getSessionsRevokedBefore())
        .map(Instant::parse)
        .filter(t -> !t.isAfter(now));
  }

  private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isPresent() && b.get().isAfter(a.get()) ? b : a;
  }

  /**
   * The lifetime of a grant no policy permits any more, at {@code now}: its spec may bring the end
   * nearer, never push it back — the end status last recorded stands, even with the ttl or
   * expiresAt lengthened or removed since — and an annotation that is no RFC 3339 time revokes
   * nothing.
   */
  static GrantLifetime withoutPermission(CrossAccountAccess resource, Instant now) {
    CrossAccountAccessStatus status =
        resource.getStatus() != null ? resource.getStatus() : new CrossAccountAccessStatus();
    Optional<Instant> end =
        end(
            resource.getSpec(),
            Optional.ofNullable(status.getFirstReadyTime()).map(Instant::parse));
    Optional<Instant> recorded = Optional.ofNullable(status.getExpiresAt()).map(Instant::parse);
    if (recorded.isPresent() && (end.isEmpty() || recorded.get().isBefore(end.get()))) {
      end = recorded;
    }
    Optional<Instant> annotation;
    try {
      annotation = annotation(resource);
    } catch (GrantProblem invalid) {
      annotation = Optional.empty();
    }
    return at(
        end,
        Optional.ofNullable(status.getClosedAt()).map(Instant::parse),
        later(annotation, applied(status, now)),
        now);
  }

  static GrantLifetime of(
      CrossAccountAccessSpec spec,
      Optional<Instant> firstReady,
      Optional<Instant> previousClosedAt,
      Optional<Instant> revokedByAnnotation,
      Instant now) {
    return at(end(spec, firstReady), previousClosedAt, revokedByAnnotation, now);
  }

  /** The end the spec sets: expiresAt, or the first Ready plus the ttl. */
  private static Optional<Instant> end(CrossAccountAccessSpec spec, Optional<Instant> firstReady) {
    if (spec.getExpiresAt() != null) {
      return Optional.of(ceil(OffsetDateTime.parse(spec.getExpiresAt()).toInstant()));
    }
    if (spec.getTtl() != null) {
      Duration ttl = Durations.parse(spec.getTtl());
      return firstReady.map(t -> ceil(t.plus(ttl)));
    }
    return Optional.empty();
  }

  private static GrantLifetime at(
      Optional<Instant> expiresAt,
      Optional<Instant> previousClosedAt,
      Optional<Instant> revokedByAnnotation,
      Instant now) {
    boolean expired = expiresAt.isPresent() && !now.isBefore(expiresAt.get());
    Optional<Instant> closedAt = previousClosedAt;
    if (expired && (closedAt.isEmpty() || closedAt.get().isBefore(expiresAt.get()))) {
      // This expiry has not been acted on yet: now is when it is.
      closedAt = Optional.of(max(ceil(now), expiresAt.get()));
    }
    return new GrantLifetime(expiresAt, expired, closedAt, revokedByAnnotation);
  }

  /** What the stacks are deployed with. */
  AccessState access() {
    Optional<Instant> bound = revokedByAnnotation;
    if (closedAt.isPresent() && (bound.isEmpty() || closedAt.get().isAfter(bound.get()))) {
      bound = closedAt;
    }
    return new AccessState(!expired, bound);
  }

  /** The same lifetime, now that the grant became Ready for the first time at {@code now}. */
  GrantLifetime firstReady(CrossAccountAccessSpec spec, Instant now) {
    if (spec.getTtl() == null || expiresAt.isPresent()) {
      return this;
    }
    return of(spec, Optional.of(now), closedAt, revokedByAnnotation, now);
  }

  /** How long until the access must be closed, if it is open and has an end. */
  Optional<Duration> untilExpiry(Instant now) {
    return expired ? Optional.empty() : expiresAt.map(t -> Duration.between(now, t));
  }

  /**
   * {@code next}, or sooner when the access ends before: the end is reached on time with no other
   * event (a restarted operator reconciles every grant and comes here again).
   */
  Duration nextLook(Instant now, Duration next) {
    return untilExpiry(now)
        .map(d -> d.isNegative() ? Duration.ZERO : d)
        .filter(d -> d.compareTo(next) < 0)
        .orElse(next);
  }

  /** The annotation's time, or a problem the user must fix when it is not RFC 3339. */
  static Optional<Instant> annotation(CrossAccountAccess resource) throws GrantProblem {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    String value =
        annotations == null ? null : annotations.get(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ceil(OffsetDateTime.parse(value.trim()).toInstant()));
    } catch (DateTimeParseException e) {
      throw new GrantProblem(
          Reason.RevocationInvalid,
          "metadata.annotations["
              + CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION
              + "] "
              + value
              + " is not an RFC 3339 time such as 2026-12-01T10:00:00Z: nothing was revoked;"
              + " fix the annotation to revoke the sessions issued before it");
    }
  }

  private static Instant ceil(Instant t) {
    Instant down = t.truncatedTo(ChronoUnit.SECONDS);
    return down.equals(t) ? t : down.plusSeconds(1);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
