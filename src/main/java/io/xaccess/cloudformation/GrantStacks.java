package io.xaccess.cloudformation;

import io.xaccess.grant.AccessState;
import io.xaccess.grant.Arns;
import io.xaccess.grant.Grant;
import io.xaccess.grant.Side;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a grant's two stacks should be: the template parameters derived from the resolved grant, and
 * the configuration hash that tells a needed update from a no-op.
 */
public final class GrantStacks {

  private static final Set<String> LIST_ACTIONS =
      Set.of("s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads");
  private static final Set<String> BUCKET_ACTIONS = Set.of("s3:GetBucketLocation");

  private GrantStacks() {}

  /**
   * The production stack.
   *
   * @param operatorPrincipalArn the operator's identity in the production account
   * @param verifierRoleArn the verifier role the development stack creates
   * @param boundaryName the permissions boundary policy's name ({@link Arns#permissionsBoundary})
   */
  public static StackRequest production(
      Grant grant,
      String operatorPrincipalArn,
      String verifierRoleArn,
      String partition,
      String boundaryName) {
    return production(
        grant, AccessState.OPEN, operatorPrincipalArn, verifierRoleArn, partition, boundaryName);
  }

  /**
   * The production stack in the given {@code access} state: closed, its role's trust allows no
   * development principal; a revocation bound adds the aws:TokenIssueTime deny.
   */
  public static StackRequest production(
      Grant grant,
      AccessState access,
      String operatorPrincipalArn,
      String verifierRoleArn,
      String partition,
      String boundaryName) {
    String dev = grant.development().accountId();
    Grant.Bucket bucket = grant.bucket();
    boolean existingKey = bucket.encryption().startsWith("arn:");
    Map<String, String> p = new LinkedHashMap<>();
    p.put("AccessOpen", Boolean.toString(access.open()));
    p.put("RevokeSessionsBefore", access.revokeSessionsBefore().map(Instant::toString).orElse(""));
    p.put("DevelopmentAccountId", dev);
    p.put("PrincipalArnPatterns", String.join(",", trustedPrincipals(grant, partition)));
    p.put("VerifierRoleArn", verifierRoleArn);
    p.put("VerifierSessionName", StackNames.verificationSession(grant.namespace(), grant.name()));
    p.put("AllowedRegions", String.join(",", grant.trust().regions()));
    p.put("RequireMfa", Boolean.toString(grant.trust().requireMfa()));
    p.put(
        "MaxMfaAgeSeconds",
        Long.toString(grant.trust().maxMfaAge().map(Duration::toSeconds).orElse(0L)));
    p.put("OrganizationId", grant.trust().organizationId().orElse(""));
    p.put("ExternalId", grant.trust().externalId().map(s -> s.reveal()).orElse(""));
    p.put("RoleName", grant.role().name());
    p.put(
        "MaxSessionDurationSeconds", Long.toString(grant.role().maxSessionDuration().toSeconds()));
    p.put("S3ObjectActions", join(actions(grant, false, false)));
    p.put("S3ListActions", join(actions(grant, true, false)));
    p.put("S3BucketActions", join(actions(grant, false, true)));
    p.put("BucketName", bucket.name());
    p.put("CreateBucket", Boolean.toString(bucket.create()));
    p.put("ObjectPrefix", bucket.prefix());
    p.put(
        "Encryption",
        existingKey
            ? "EXISTING_KEY"
            : bucket.create() && "KMS".equals(bucket.encryption()) ? "KMS" : "S3");
    p.put("ExistingKmsKeyArn", existingKey ? bucket.encryption() : "");
    p.put("ManageBucketPolicy", Boolean.toString(bucket.managePolicy()));
    p.put("OperatorPrincipalArn", operatorPrincipalArn);
    p.put("VerificationPrefix", grant.verificationPrefix());
    p.put("GrantUid", grant.uid());
    p.put(
        "PermissionsBoundaryArn",
        Arns.permissionsBoundary(partition, grant.production().accountId(), boundaryName));
    return request(grant, Side.PRODUCTION, StackTemplate.PRODUCTION, p);
  }

  /**
   * The aws:PrincipalArn patterns the production role trusts: the listed principals (none: the
   * whole development account) and the grant's own assumer role, which exists only to reach it.
   */
  static List<String> trustedPrincipals(Grant grant, String partition) {
    String dev = grant.development().accountId();
    if (grant.principals().isEmpty()) {
      return List.of(Arns.anyPrincipal(partition, dev));
    }
    List<String> trusted = new ArrayList<>(grant.principals());
    grant.assumer().map(a -> Arns.role(partition, dev, a.name())).ifPresent(trusted::add);
    return trusted;
  }

  /**
   * The development stack.
   *
   * @param productionRoleArn the role the production stack created
   * @param operatorPrincipalArn the operator's identity in the development account
   * @param boundaryName the permissions boundary policy's name ({@link Arns#permissionsBoundary})
   */
  public static StackRequest development(
      Grant grant,
      String productionRoleArn,
      String operatorPrincipalArn,
      String partition,
      String boundaryName) {
    return development(
        grant, AccessState.OPEN, productionRoleArn, operatorPrincipalArn, partition, boundaryName);
  }

  /** The development stack; closed, it holds no permission to assume the production role. */
  public static StackRequest development(
      Grant grant,
      AccessState access,
      String productionRoleArn,
      String operatorPrincipalArn,
      String partition,
      String boundaryName) {
    List<String> roles = new ArrayList<>();
    List<String> users = new ArrayList<>();
    for (String principal : grant.principals()) {
      if (principal.contains("*")) {
        continue; // a pattern names no principal to attach to; it relies on its own policies
      }
      String resource = Arns.resourceOf(principal);
      String name = resource.substring(resource.lastIndexOf('/') + 1);
      (resource.startsWith("role/") ? roles : users).add(name);
    }
    Map<String, String> p = new LinkedHashMap<>();
    p.put("AccessOpen", Boolean.toString(access.open()));
    p.put("ProductionRoleArn", productionRoleArn);
    p.put("AttachToRoles", join(roles));
    p.put("AttachToUsers", join(users));
    p.put("VerifierRoleName", StackNames.verifierRole(grant.namespace(), grant.name()));
    p.put("OperatorPrincipalArn", operatorPrincipalArn);
    p.put("CreateAssumerRole", Boolean.toString(grant.assumer().isPresent()));
    p.put("AssumerRoleName", grant.assumer().map(Grant.Assumer::name).orElse("DevToProdS3Assumer"));
    p.put("AssumerTrustedBy", grant.assumer().map(Grant.Assumer::trustedBy).orElse("SSO"));
    p.put(
        "PermissionsBoundaryArn",
        Arns.permissionsBoundary(partition, grant.development().accountId(), boundaryName));
    return request(grant, Side.DEVELOPMENT, StackTemplate.DEVELOPMENT, p);
  }

  /** The verifier role's ARN, known before the development stack exists. */
  public static String verifierRoleArn(Grant grant, String partition) {
    return Arns.role(
        partition,
        grant.development().accountId(),
        StackNames.verifierRole(grant.namespace(), grant.name()));
  }

  /** The role ARN the production stack creates, known before it exists. */
  public static String productionRoleArn(Grant grant, String partition) {
    return Arns.role(partition, grant.production().accountId(), grant.role().name());
  }

  /**
   * One side's stack as it is deployed, with only {@code changes} applied: the same template and
   * every other parameter's deployed value, whatever the grant's spec says now. Updates a stack of
   * {@code owner}'s that exists, never creates one.
   *
   * @param changes parameters of the stack's template and their new values
   */
  public static StackRequest keepingDeployed(
      Side side, StackOwner owner, Map<String, String> changes) {
    List<String> names = StackNames.candidates(side, owner.namespace(), owner.name());
    Map<String, String> tags = tags(owner.namespace(), owner.name(), owner.uid());
    String hash = Hashing.sha256("deployed " + side + "|" + new TreeMap<>(changes) + "|" + tags);
    return new StackRequest(
        names.get(0),
        side == Side.PRODUCTION ? StackTemplate.PRODUCTION : StackTemplate.DEVELOPMENT,
        Map.copyOf(changes),
        tags,
        hash,
        names.subList(1, names.size()),
        owner,
        StackRequest.Scope.KEEP_DEPLOYED,
        Set.of());
  }

  private static Map<String, String> tags(String namespace, String name, String uid) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(StackOwner.NAMESPACE_TAG, namespace);
    tags.put(StackOwner.NAME_TAG, name);
    tags.put(StackOwner.UID_TAG, uid);
    tags.put("app.kubernetes.io/managed-by", "xaccess");
    return tags;
  }

  /**
   * Where a grant's stack of one side is: the stack the spec names (made by hand, to observe or
   * adopt), else the operator's own name and then the name it had before.
   */
  public static List<String> names(Grant grant, Side side) {
    return grant
        .namedStack(side)
        .map(List::of)
        .orElseGet(() -> StackNames.candidates(side, grant.namespace(), grant.name()));
  }

  private static StackRequest request(
      Grant grant, Side side, StackTemplate template, Map<String, String> parameters) {
    List<String> names = names(grant, side);
    Map<String, String> tags = tags(grant.namespace(), grant.name(), grant.uid());
    // The hash covers everything that shapes the stack. The external id enters it only as its
    // version (see Grant.Trust), so the hash, kept in status, reveals nothing.
    Map<String, String> hashed = new TreeMap<>(parameters);
    if (hashed.containsKey("ExternalId")) {
      hashed.put("ExternalId", grant.trust().externalIdVersion());
    }
    String hash = Hashing.sha256(template.hash() + "|" + hashed + "|" + tags);
    return new StackRequest(
        names.get(0),
        template,
        parameters,
        tags,
        hash,
        names.subList(1, names.size()),
        owner(grant));
  }

  /** The grant the stacks must belong to. */
  public static StackOwner owner(Grant grant) {
    // Stacks the spec names are taken over only by a grant that manages them.
    return new StackOwner(
        grant.uid(),
        grant.namespace(),
        grant.name(),
        grant.adoptUid(),
        grant.observeOnly() ? Set.of() : Set.copyOf(grant.namedStacks().values()));
  }

  private static List<String> actions(Grant grant, boolean list, boolean bucket) {
    return grant.role().actions().stream()
        .filter(a -> LIST_ACTIONS.contains(a) == list && BUCKET_ACTIONS.contains(a) == bucket)
        .toList();
  }

  private static String join(List<String> values) {
    return String.join(",", values);
  }
}
