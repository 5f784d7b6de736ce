package io.xaccess.grant;

import io.xaccess.api.v1alpha1.AccountCredentials;
import io.xaccess.api.v1alpha1.AccountSpec;
import io.xaccess.api.v1alpha1.AssumerRole;
import io.xaccess.api.v1alpha1.BucketDeletionPolicy;
import io.xaccess.api.v1alpha1.BucketSpec;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessSpec;
import io.xaccess.api.v1alpha1.DeletionPolicy;
import io.xaccess.api.v1alpha1.ManagementPolicy;
import io.xaccess.api.v1alpha1.RoleSpec;
import io.xaccess.api.v1alpha1.SecretKeySelector;
import io.xaccess.api.v1alpha1.TrustSpec;
import io.xaccess.api.v1alpha1.VerificationSpec;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link Grant} a CrossAccountAccess spec defines: the documented defaults applied (the API
 * server applies most of them; optional sections it cannot), each Secret reference resolved by the
 * given {@link GrantSecrets}. The operator ({@link GrantResolver}) and {@code xaccess render} both
 * build their grants here, so render shows what the operator would deploy.
 */
public final class GrantDefinition {

  private GrantDefinition() {}

  /**
   * @param productionDeployer the deployer role the permitting tenancy policy names for the
   *     production account, used when the grant names no credentials
   * @param developmentDeployer the same for the development account
   * @param partition the accounts' AWS partition
   * @param deployerRoleName the deployer role assumed in an account whose credentials the grant
   *     omits and no policy names one (xaccess.aws.deployer-role-name)
   */
  public static Grant of(
      CrossAccountAccess resource,
      Optional<String> productionDeployer,
      Optional<String> developmentDeployer,
      String partition,
      Optional<String> deployerRoleName,
      GrantSecrets secrets)
      throws GrantProblem {
    CrossAccountAccessSpec spec = resource.getSpec();
    String namespace = resource.getMetadata().getNamespace();

    BucketSpec bucket = spec.getBucket();
    RoleSpec role = spec.getRole() != null ? spec.getRole() : new RoleSpec();
    TrustSpec trust = spec.getTrust() != null ? spec.getTrust() : new TrustSpec();
    VerificationSpec verification =
        spec.getVerification() != null ? spec.getVerification() : new VerificationSpec();
    AssumerRole assumer = spec.getDevelopment().getAssumerRole();
    boolean create = !Boolean.FALSE.equals(bucket.getCreate());

    Optional<SecretValue> externalId;
    String externalIdVersion;
    if (trust.getExternalIdSecretRef() != null) {
      externalId =
          Optional.of(
              secrets.readExternalId(
                  trust.getExternalIdSecretRef(), "spec.trust.externalIdSecretRef"));
      externalIdVersion = secrets.version(trust.getExternalIdSecretRef().getName());
    } else {
      externalId = Optional.ofNullable(trust.getExternalId()).map(SecretValue::new);
      externalIdVersion =
          trust.getExternalId() == null ? "" : "inline:" + digest(trust.getExternalId());
    }

    Accounts accounts = new Accounts(partition, deployerRoleName, secrets);
    return new Grant(
        namespace,
        resource.getMetadata().getName(),
        resource.getMetadata().getUid(),
        accounts.of(spec.getProduction(), productionDeployer, "spec.production.credentials"),
        accounts.of(spec.getDevelopment(), developmentDeployer, "spec.development.credentials"),
        orEmpty(spec.getDevelopment().getPrincipals()),
        assumer != null && Boolean.TRUE.equals(assumer.getEnabled())
            ? Optional.of(
                new Grant.Assumer(
                    orDefault(assumer.getName(), "DevToProdS3Assumer"),
                    assumer.getTrustedBy() != null ? assumer.getTrustedBy().name() : "SSO"))
            : Optional.empty(),
        new Grant.Bucket(
            bucket.getName(),
            create,
            orDefault(bucket.getPrefix(), ""),
            orDefault(bucket.getEncryption(), "KMS"),
            create || Boolean.TRUE.equals(bucket.getManagePolicy()),
            create && bucket.getDeletionPolicy() == BucketDeletionPolicy.Delete),
        new Grant.Role(
            orDefault(role.getName(), RoleSpec.DEFAULT_NAME),
            role.getActions() == null || role.getActions().isEmpty()
                ? RoleSpec.DEFAULT_ACTIONS
                : List.copyOf(role.getActions()),
            Durations.parse(orDefault(role.getMaxSessionDuration(), "1h"))),
        Durations.parse(orDefault(spec.getSessionDuration(), "1h")),
        new Grant.Trust(
            orEmpty(trust.getRegions()),
            Boolean.TRUE.equals(trust.getRequireMfa()),
            Optional.ofNullable(trust.getOrganizationId()),
            externalId,
            externalIdVersion,
            Optional.ofNullable(trust.getMaxMfaAge()).map(Durations::parse)),
        new Grant.Verification(
            !Boolean.FALSE.equals(verification.getEnabled()),
            Durations.parse(orDefault(verification.getInterval(), "1h"))),
        spec.getDeletionPolicy() == DeletionPolicy.Orphan,
        Boolean.TRUE.equals(spec.getSuspend()),
        secrets.versions(),
        Optional.ofNullable(resource.getMetadata().getAnnotations())
            .map(a -> a.get(GrantResolver.ADOPT_UID_ANNOTATION))
            .filter(uid -> !uid.isBlank()),
        namedStacks(spec),
        spec.getManagementPolicy() == ManagementPolicy.Observe);
  }

  private static Map<Side, String> namedStacks(CrossAccountAccessSpec spec) {
    Map<Side, String> named = new EnumMap<>(Side.class);
    if (spec.getProduction().getStackName() != null) {
      named.put(Side.PRODUCTION, spec.getProduction().getStackName());
    }
    return named;
  }

  /**
   * How the operator reaches one account: the credentials the spec names, else {@code deployer} (a
   * tenancy policy's), else {@code deployerRoleName} in that account, else its own identity.
   *
   * @param field the spec field of the account's credentials, for messages
   */
  public static Grant.Account account(
      AccountSpec account,
      Optional<String> deployer,
      String partition,
      Optional<String> deployerRoleName,
      GrantSecrets secrets,
      String field)
      throws GrantProblem {
    return new Accounts(partition, deployerRoleName, secrets).of(account, deployer, field);
  }

  /** How the operator reaches each account. */
  private record Accounts(
      String partition, Optional<String> deployerRoleName, GrantSecrets secrets) {

    Grant.Account of(AccountSpec account, Optional<String> deployer, String field)
        throws GrantProblem {
      AccountCredentials credentials = account.getCredentials();
      Grant.Credentials resolved;
      if (credentials == null && deployer.isPresent()) {
        resolved =
            new Grant.Credentials.AssumeRole(deployer.get(), Optional.empty(), secrets.namespace());
      } else if (credentials == null) {
        resolved =
            deployerRoleName
                .<Grant.Credentials>map(
                    name ->
                        new Grant.Credentials.AssumeRole(
                            Arns.role(partition, account.getAccountId(), name),
                            Optional.empty(),
                            secrets.namespace()))
                .orElse(new Grant.Credentials.OperatorIdentity());
      } else if (credentials.getRoleArn() != null) {
        resolved =
            new Grant.Credentials.AssumeRole(
                credentials.getRoleArn(),
                credentials.getExternalIdSecretRef() == null
                    ? Optional.empty()
                    : Optional.of(
                        secrets.readExternalId(
                            credentials.getExternalIdSecretRef(), field + ".externalIdSecretRef")),
                secrets.namespace());
      } else {
        String name = credentials.getSecretRef().getName();
        String secretField = field + ".secretRef";
        resolved =
            new Grant.Credentials.StaticKeys(
                secrets.read(new SecretKeySelector(name, "accessKeyId"), secretField),
                secrets.read(new SecretKeySelector(name, "secretAccessKey"), secretField),
                secrets.readOptional(new SecretKeySelector(name, "sessionToken"), secretField));
      }
      return new Grant.Account(account.getAccountId(), account.getRegion(), resolved);
    }
  }

  private static String digest(String value) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }
}
