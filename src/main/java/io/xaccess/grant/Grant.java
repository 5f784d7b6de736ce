package io.xaccess.grant;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CrossAccountAccess with every default applied and every Secret it references read: what the
 * stacks and the verifier are built from. Holds secret values, so it is never logged.
 *
 * @param namespace namespace of the resource
 * @param name name of the resource
 * @param uid uid of the resource
 * @param production how to reach the production account
 * @param development how to reach the development account
 * @param principals development principal ARN patterns (empty: any principal of the account)
 * @param assumer the optional assumer role, empty when disabled
 * @param bucket the bucket
 * @param role the production role
 * @param sessionDuration the session duration users request
 * @param trust the trust conditions
 * @param verification whether and how often to verify
 * @param orphanOnDelete leave AWS untouched on delete
 * @param suspended no AWS writes
 * @param secretVersions uid and resourceVersion of every Secret read, for change detection
 * @param adoptUid the uid of an earlier resource of the same namespace and name whose stacks this
 *     one may take over (annotation {@code xaccess.io/adopt-uid}), if set
 * @param namedStacks the stacks the spec names (production.stackName, development.stackName), for
 *     stacks made by hand; empty sides get the operator's own names
 * @param observeOnly managementPolicy Observe: nothing is deployed, changed or deleted
 */
public record Grant(
    String namespace,
    String name,
    String uid,
    Account production,
    Account development,
    List<String> principals,
    Optional<Assumer> assumer,
    Bucket bucket,
    Role role,
    Duration sessionDuration,
    Trust trust,
    Verification verification,
    boolean orphanOnDelete,
    boolean suspended,
    List<String> secretVersions,
    Optional<String> adoptUid,
    Map<Side, String> namedStacks,
    boolean observeOnly) {

  public Grant {
    namedStacks = Map.copyOf(namedStacks);
  }

  /** The stack name the spec gives one side, if it names one (a stack made by hand). */
  public Optional<String> namedStack(Side side) {
    return Optional.ofNullable(namedStacks.get(side));
  }

  /** An account and how the operator reaches it. */
  public record Account(String accountId, String region, Credentials credentials) {}

  /** How the operator authenticates to an account. */
  public sealed interface Credentials {
    /** The operator's own identity (default AWS chain). */
    record OperatorIdentity() implements Credentials {}

    /**
     * A deployer role assumed from the operator's identity, for the grants of one namespace: the
     * session is tagged with {@code namespace} (and the cluster), which the deployer role's trust
     * checks, so each namespace has sessions of its own.
     *
     * @param roleArn the deployer role
     * @param externalId the sts:ExternalId its trust demands, if any
     * @param namespace the namespace of the grant the session works for
     */
    record AssumeRole(String roleArn, Optional<SecretValue> externalId, String namespace)
        implements Credentials {}

    /** Static keys from a Secret (emulators, bootstrap). */
    record StaticKeys(
        SecretValue accessKeyId, SecretValue secretAccessKey, Optional<SecretValue> sessionToken)
        implements Credentials {}
  }

  /** The optional development assumer role. */
  public record Assumer(String name, String trustedBy) {}

  /** The bucket. {@code encryption}: KMS, S3 or a key ARN. */
  public record Bucket(
      String name,
      boolean create,
      String prefix,
      String encryption,
      boolean managePolicy,
      boolean deleteWhenEmpty) {}

  /** The production role. */
  public record Role(String name, List<String> actions, Duration maxSessionDuration) {}

  /**
   * Trust conditions. {@code externalIdVersion} changes whenever the external id does without
   * revealing it: the Secret's uid and resourceVersion, or for an inline value (already readable in
   * the spec) a digest of it. {@code maxMfaAge}: with requireMfa, how long ago the MFA sign-in may
   * have been (aws:MultiFactorAuthAge).
   */
  public record Trust(
      List<String> regions,
      boolean requireMfa,
      Optional<String> organizationId,
      Optional<SecretValue> externalId,
      String externalIdVersion,
      Optional<Duration> maxMfaAge) {}

  /** Verification settings; {@code interval} zero means only after changes. */
  public record Verification(boolean enabled, Duration interval) {}

  /** How to reach one side's account. */
  public Account account(Side side) {
    return side == Side.PRODUCTION ? production : development;
  }

  /** Where the verifier writes its objects: a folder of its own under the grant's prefix. */
  public String verificationPrefix() {
    return bucket.prefix() + "xaccess-verification/";
  }
}
