package io.xaccess.grant;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.AccountCredentials;
import io.xaccess.api.v1alpha1.AccountSpec;
import io.xaccess.api.v1alpha1.AssumerRole;
import io.xaccess.api.v1alpha1.BucketDeletionPolicy;
import io.xaccess.api.v1alpha1.BucketSpec;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessSpec;
import io.xaccess.api.v1alpha1.DeletionPolicy;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.api.v1alpha1.RoleSpec;
import io.xaccess.api.v1alpha1.SecretKeySelector;
import io.xaccess.api.v1alpha1.SecretReference;
import io.xaccess.api.v1alpha1.TrustSpec;
import io.xaccess.api.v1alpha1.VerificationSpec;
import io.xaccess.config.XaccessConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a CrossAccountAccess into a {@link Grant}: applies the documented defaults (the API server
 * applies most of them; optional sections it cannot) and reads the Secrets it references with one
 * GET each — no Secret is cached or watched, so the operator needs only {@code get} on Secrets.
 *
 * <p>A GET cannot select by label, so the mark ({@value SecretReference#MARK_LABEL}: "{@value
 * SecretReference#MARK_VALUE}") is checked after the read and before any value is decoded: a grant
 * can only use Secrets someone marked for xaccess, never, say, a database password of its
 * namespace, and an unmarked Secret's data is not looked at.
 */
@ApplicationScoped
public class GrantResolver {

  /**
   * Annotation on a CrossAccountAccess: the uid of an earlier resource of the same namespace and
   * name (deleted with deletionPolicy Orphan, or lost with its cluster) whose stacks it takes over.
   */
  public static final String ADOPT_UID_ANNOTATION = "xaccess.io/adopt-uid";

  /** What AWS accepts as sts:ExternalId (AssumeRole's ExternalId parameter). */
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

  private final SecretSource secretSource;
  private final XaccessConfig config;

  @Inject
  public GrantResolver(KubernetesClient client, XaccessConfig config) {
    this((namespace, name) -> client.secrets().inNamespace(namespace).withName(name).get(), config);
  }

  /** With another source of Secrets (a test's). */
  GrantResolver(SecretSource secretSource, XaccessConfig config) {
    this.secretSource = secretSource;
    this.config = config;
  }

  public Grant resolve(CrossAccountAccess resource) throws GrantProblem {
    return resolve(resource, Optional.empty(), Optional.empty());
  }

  /**
   * As {@link #resolve(CrossAccountAccess)}, with the deployer roles the permitting tenancy policy
   * names for the production and development accounts: used when the grant names no credentials.
   */
  public Grant resolve(
      CrossAccountAccess resource,
      Optional<String> productionDeployer,
      Optional<String> developmentDeployer)
      throws GrantProblem {
    CrossAccountAccessSpec spec = resource.getSpec();
    String namespace = resource.getMetadata().getNamespace();
    SecretReader secrets = new SecretReader(namespace);

    BucketSpec bucket = spec.getBucket();
    RoleSpec role = spec.getRole() != null ? spec.getRole() : new RoleSpec();
    TrustSpec trust = spec.getTrust() != null ? spec.getTrust() : new TrustSpec();
    VerificationSpec verification =
        spec.getVerification() != null ? spec.getVerification() : new VerificationSpec();
    AssumerRole assumer = spec.getDevelopment().getAssumerRole();
    boolean create = !Boolean.FALSE.equals(bucket.getCreate());

    Optional<io.xaccess.grant.SecretValue> externalId;
    String externalIdVersion;
    if (trust.getExternalIdSecretRef() != null) {
      externalId =
          Optional.of(
              secrets.readExternalId(
                  trust.getExternalIdSecretRef(), "spec.trust.externalIdSecretRef"));
      externalIdVersion = secrets.version(trust.getExternalIdSecretRef().getName());
    } else {
      externalId =
          Optional.ofNullable(trust.getExternalId()).map(io.xaccess.grant.SecretValue::new);
      externalIdVersion =
          trust.getExternalId() == null ? "" : "inline:" + digest(trust.getExternalId());
    }

    return new Grant(
        namespace,
        resource.getMetadata().getName(),
        resource.getMetadata().getUid(),
        account(spec.getProduction(), productionDeployer, secrets, "spec.production.credentials"),
        account(
            spec.getDevelopment(), developmentDeployer, secrets, "spec.development.credentials"),
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
            .map(a -> a.get(ADOPT_UID_ANNOTATION))
            .filter(uid -> !uid.isBlank()));
  }

  /**
   * Only how the operator reaches one of the grant's accounts, with no deployer role from a policy:
   * the credentials the grant names, else the operator's default deployer role (or its own
   * identity) — the identity deletion uses for a grant no policy permits. Reads no Secret but those
   * the credentials name: what a grant no policy permits still gets (its closing at the end, its
   * revocations) needs nothing else.
   */
  public Grant.Account account(CrossAccountAccess resource, Side side) throws GrantProblem {
    CrossAccountAccessSpec spec = resource.getSpec();
    return account(
        side == Side.PRODUCTION ? spec.getProduction() : spec.getDevelopment(),
        Optional.empty(),
        new SecretReader(resource.getMetadata().getNamespace()),
        "spec." + side.label() + ".credentials");
  }

  private Grant.Account account(
      AccountSpec account, Optional<String> deployer, SecretReader secrets, String field)
      throws GrantProblem {
    AccountCredentials credentials = account.getCredentials();
    Grant.Credentials resolved;
    if (credentials == null && deployer.isPresent()) {
      resolved =
          new Grant.Credentials.AssumeRole(deployer.get(), Optional.empty(), secrets.namespace);
    } else if (credentials == null) {
      resolved =
          config
              .aws()
              .deployerRoleName()
              .<Grant.Credentials>map(
                  name ->
                      new Grant.Credentials.AssumeRole(
                          Arns.role(config.aws().partition(), account.getAccountId(), name),
                          Optional.empty(),
                          secrets.namespace))
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
              secrets.namespace);
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

  /** Reads Secrets of one namespace, each at most once per resolve. */
  private final class SecretReader {
    private final String namespace;
    private final java.util.Map<String, Secret> read = new java.util.LinkedHashMap<>();

    SecretReader(String namespace) {
      this.namespace = namespace;
    }

    io.xaccess.grant.SecretValue read(SecretKeySelector selector, String field)
        throws GrantProblem {
      return readOptional(selector, field)
          .orElseThrow(
              () ->
                  new GrantProblem(
                      Reason.SecretKeyNotFound,
                      "Secret "
                          + namespace
                          + "/"
                          + selector.getName()
                          + " has no key '"
                          + selector.getKey()
                          + "' (referenced by "
                          + field
                          + "): add the key to the Secret"));
    }

    /** An external id, checked against AWS's rule so that a bad value stalls here, named. */
    io.xaccess.grant.SecretValue readExternalId(SecretKeySelector selector, String field)
        throws GrantProblem {
      io.xaccess.grant.SecretValue value = read(selector, field);
      if (!EXTERNAL_ID.matcher(value.reveal()).matches()) {
        throw new GrantProblem(
            Reason.SecretValueInvalid,
            "Secret "
                + namespace
                + "/"
                + selector.getName()
                + " key '"
                + selector.getKey()
                + "' (referenced by "
                + field
                + ") is not a valid external id: AWS accepts 2-1224 letters, digits or _+=,.@:/-"
                + " (a trailing newline, as echo adds, is a common cause); the value is not shown");
      }
      return value;
    }

    Optional<io.xaccess.grant.SecretValue> readOptional(SecretKeySelector selector, String field)
        throws GrantProblem {
      Secret secret = read.get(selector.getName());
      if (secret == null) {
        secret = secretSource.get(namespace, selector.getName());
        if (secret == null) {
          throw new GrantProblem(
              Reason.SecretNotFound,
              "Secret "
                  + namespace
                  + "/"
                  + selector.getName()
                  + " (referenced by "
                  + field
                  + ") does not exist: create it; the grant resumes on its own");
        }
        if (!marked(secret)) {
          // Checked before anything of its data is decoded: the value is not used, not even
          // in a digest.
          throw new GrantProblem(
              Reason.SecretNotMarked,
              "Secret "
                  + namespace
                  + "/"
                  + selector.getName()
                  + " (referenced by "
                  + field
                  + ") is not marked for xaccess, so it is not used: if it is meant for this"
                  + " grant, label it: kubectl label secret -n "
                  + namespace
                  + " "
                  + selector.getName()
                  + " "
                  + SecretReference.MARK_LABEL
                  + "="
                  + SecretReference.MARK_VALUE
                  + "; the grant resumes on its own");
        }
        read.put(selector.getName(), secret);
      }
      if (secret.getData() != null && secret.getData().get(selector.getKey()) != null) {
        return Optional.of(
            new io.xaccess.grant.SecretValue(
                new String(
                    Base64.getDecoder().decode(secret.getData().get(selector.getKey())),
                    StandardCharsets.UTF_8)));
      }
      if (secret.getStringData() != null && secret.getStringData().get(selector.getKey()) != null) {
        return Optional.of(
            new io.xaccess.grant.SecretValue(secret.getStringData().get(selector.getKey())));
      }
      return Optional.empty();
    }

    private static boolean marked(Secret secret) {
      return secret.getMetadata() != null
          && secret.getMetadata().getLabels() != null
          && SecretReference.MARK_VALUE.equals(
              secret.getMetadata().getLabels().get(SecretReference.MARK_LABEL));
    }

    String version(String name) {
      Secret secret = read.get(name);
      return secret.getMetadata().getUid() + "@" + secret.getMetadata().getResourceVersion();
    }

    List<String> versions() {
      List<String> versions = new ArrayList<>();
      read.values()
          .forEach(
              s ->
                  versions.add(
                      s.getMetadata().getUid() + "@" + s.getMetadata().getResourceVersion()));
      return versions;
    }
  }
}
