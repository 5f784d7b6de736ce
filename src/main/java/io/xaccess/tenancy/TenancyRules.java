package io.xaccess.tenancy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.xaccess.api.v1alpha1.AccountCredentials;
import io.xaccess.api.v1alpha1.AccountSpec;
import io.xaccess.api.v1alpha1.BucketDeletionPolicy;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import io.xaccess.api.v1alpha1.CrossAccountAccessPolicySpec;
import io.xaccess.api.v1alpha1.CrossAccountAccessSpec;
import io.xaccess.api.v1alpha1.DeletionPolicy;
import io.xaccess.api.v1alpha1.PolicyAccount;
import io.xaccess.api.v1alpha1.PolicyAllowances;
import io.xaccess.api.v1alpha1.PolicyBuckets;
import io.xaccess.api.v1alpha1.PolicyNamespaces;
import io.xaccess.api.v1alpha1.PolicyTrust;
import io.xaccess.api.v1alpha1.RoleSpec;
import io.xaccess.api.v1alpha1.TrustSpec;
import io.xaccess.grant.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The tenancy decision, written once and used wherever it is enforced (docs/tenancy.md states the
 * same rules for people):
 *
 * <ol>
 *   <li>A policy <em>selects</em> a namespace when the namespace is in {@code
 *       spec.namespaces.names} or its labels match {@code spec.namespaces.selector}.
 *   <li>A policy <em>permits</em> a grant when every one of its rules holds for the grant, with the
 *       grant's defaults applied (role name, actions, session lengths).
 *   <li>A grant is <em>permitted</em> when at least one policy selecting its namespace permits it;
 *       rules of different policies never combine. No selecting policy: nothing is permitted.
 * </ol>
 */
public final class TenancyRules {

  private TenancyRules() {}

  /**
   * Decides for {@code grant} in the namespace {@code namespace} with labels {@code
   * namespaceLabels}, among {@code policies}.
   */
  public static Verdict evaluate(
      CrossAccountAccess grant,
      Map<String, String> namespaceLabels,
      Collection<CrossAccountAccessPolicy> policies) {
    return evaluate(grant, namespaceLabels, policies, Instant.now());
  }

  /**
   * As {@link #evaluate(CrossAccountAccess, Map, Collection)}, with {@code now} standing in for the
   * creation time of a grant that has none yet.
   */
  public static Verdict evaluate(
      CrossAccountAccess grant,
      Map<String, String> namespaceLabels,
      Collection<CrossAccountAccessPolicy> policies,
      Instant now) {
    String namespace = grant.getMetadata().getNamespace();
    List<CrossAccountAccessPolicy> selecting =
        policies.stream()
            .filter(
                p ->
                    p.getSpec() != null
                        && selects(p.getSpec().getNamespaces(), namespace, namespaceLabels))
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();
    if (selecting.isEmpty()) {
      return Verdict.refused(
          "no CrossAccountAccessPolicy selects namespace "
              + namespace
              + ", so it may grant nothing (fail closed): a platform administrator must create a"
              + " policy that selects it (docs/tenancy.md)");
    }
    List<String> reasons = new ArrayList<>();
    for (CrossAccountAccessPolicy policy : selecting) {
      Check check = new Check(policy.getSpec(), grant, now);
      check.all();
      if (check.broken.isEmpty()) {
        return Verdict.permittedBy(
            policy.getMetadata().getName(), check.productionDeployer, check.developmentDeployer);
      }
      reasons.add(
          "policy " + policy.getMetadata().getName() + ": " + String.join("; ", check.broken));
    }
    return Verdict.refused(
        "no CrossAccountAccessPolicy selecting namespace "
            + namespace
            + " permits this grant — "
            + String.join(" | ", reasons));
  }

  /** Whether {@code selection} selects the namespace {@code name} with {@code labels}. */
  public static boolean selects(
      PolicyNamespaces selection, String name, Map<String, String> labels) {
    if (selection == null) {
      return false;
    }
    if (selection.getNames() != null && selection.getNames().contains(name)) {
      return true;
    }
    return selection.getSelector() != null
        && matches(selection.getSelector(), labels == null ? Map.of() : labels);
  }

  /** A Kubernetes label selector: every matchLabels entry and every expression must hold. */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector.getMatchLabels() != null) {
      for (var entry : selector.getMatchLabels().entrySet()) {
        if (!Objects.equals(labels.get(entry.getKey()), entry.getValue())) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean holds =
            switch (r.getOperator()) {
              case "In" -> value != null && values.contains(value);
              case "NotIn" -> value == null || !values.contains(value);
              case "Exists" -> labels.containsKey(r.getKey());
              case "DoesNotExist" -> !labels.containsKey(r.getKey());
              default -> false; // an operator the API server would have refused: select nothing
            };
        if (!holds) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * A name pattern in which {@code *} matches any run of characters and {@code ?} any one
   * character; everything else is literal.
   */
  static boolean glob(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.matches(regex.toString(), value);
  }

  /** One policy's rules against one grant; {@link #broken} names each rule that fails. */
  private static final class Check {
    private final CrossAccountAccessPolicySpec policy;
    private final CrossAccountAccess resource;
    private final CrossAccountAccessSpec spec;
    private final Instant now;
    private final List<String> broken = new ArrayList<>();
    private Optional<String> productionDeployer = Optional.empty();
    private Optional<String> developmentDeployer = Optional.empty();

    Check(CrossAccountAccessPolicySpec policy, CrossAccountAccess resource, Instant now) {
      this.now = now;
      this.policy = policy;
      this.resource = resource;
      this.spec = resource.getSpec();
    }

    void all() {
      PolicyAllowances allow =
          policy.getAllow() != null ? policy.getAllow() : new PolicyAllowances();
      productionDeployer =
          account("production", spec.getProduction(), policy.getProduction(), allow);
      developmentDeployer =
          account("development", spec.getDevelopment(), policy.getDevelopment(), allow);
      bucket();
      role();
      durations();
      lifetime();
      trust();
      allowances(allow);
    }

    private Optional<String> account(
        String side, AccountSpec account, List<PolicyAccount> permitted, PolicyAllowances allow) {
      Optional<PolicyAccount> entry =
          (permitted == null ? List.<PolicyAccount>of() : permitted)
              .stream().filter(a -> a.getAccountId().equals(account.getAccountId())).findFirst();
      if (entry.isEmpty()) {
        broken.add(
            "spec."
                + side
                + ".accountId "
                + account.getAccountId()
                + " is not in the policy's "
                + side
                + "[].accountId "
                + (permitted == null
                    ? "[]"
                    : permitted.stream().map(PolicyAccount::getAccountId).toList()));
        return Optional.empty();
      }
      AccountCredentials credentials = account.getCredentials();
      String deployer = entry.get().getDeployerRoleArn();
      if (credentials != null && credentials.getSecretRef() != null) {
        if (deployer != null) {
          broken.add(
              "spec."
                  + side
                  + ".credentials.secretRef: static keys are not allowed for account "
                  + account.getAccountId()
                  + ", whose deployer role the policy sets ("
                  + side
                  + "[].deployerRoleArn "
                  + deployer
                  + "); omit credentials");
        } else if (!Boolean.TRUE.equals(allow.getStaticCredentials())) {
          broken.add(
              "spec."
                  + side
                  + ".credentials.secretRef: static keys need allow.staticCredentials: true");
        }
        return Optional.empty();
      }
      if (deployer != null
          && credentials != null
          && credentials.getRoleArn() != null
          && !deployer.equals(credentials.getRoleArn())) {
        broken.add(
            "spec."
                + side
                + ".credentials.roleArn "
                + credentials.getRoleArn()
                + " is not the deployer role the policy sets ("
                + side
                + "[].deployerRoleArn "
                + deployer
                + "); omit credentials");
      }
      return Optional.ofNullable(deployer);
    }

    private void bucket() {
      PolicyBuckets buckets =
          policy.getBuckets() != null ? policy.getBuckets() : new PolicyBuckets();
      String name = spec.getBucket().getName();
      boolean create = !Boolean.FALSE.equals(spec.getBucket().getCreate());
      List<String> patterns = create ? buckets.getNames() : buckets.getExisting();
      String rule = create ? "buckets.names" : "buckets.existing";
      if (patterns == null || patterns.stream().noneMatch(p -> glob(p, name))) {
        broken.add(
            "spec.bucket.name "
                + name
                + (create ? " (a bucket to create)" : " (an existing bucket, create: false)")
                + " matches none of "
                + rule
                + " "
                + (patterns == null ? "[]" : patterns));
      }
    }

    private void role() {
      RoleSpec role = spec.getRole() != null ? spec.getRole() : new RoleSpec();
      String name = role.getName() != null ? role.getName() : RoleSpec.DEFAULT_NAME;
      if (policy.getRoleNames() != null
          && policy.getRoleNames().stream().noneMatch(p -> glob(p, name))) {
        broken.add(
            "spec.role.name " + name + " matches none of roleNames " + policy.getRoleNames());
      }
      List<String> actions =
          role.getActions() == null || role.getActions().isEmpty()
              ? RoleSpec.DEFAULT_ACTIONS
              : role.getActions();
      if (policy.getActions() != null) {
        List<String> extra =
            actions.stream().filter(a -> !policy.getActions().contains(a)).toList();
        if (!extra.isEmpty()) {
          broken.add(
              "spec.role.actions "
                  + extra
                  + (role.getActions() == null ? " (the default actions)" : "")
                  + " not in actions "
                  + policy.getActions());
        }
      }
    }

    private void durations() {
      Duration session = duration(spec.getSessionDuration());
      if (policy.getMaxSessionDuration() != null
          && session.compareTo(Durations.parse(policy.getMaxSessionDuration())) > 0) {
        broken.add(
            "spec.sessionDuration "
                + (spec.getSessionDuration() != null ? spec.getSessionDuration() : "1h (default)")
                + " is longer than maxSessionDuration "
                + policy.getMaxSessionDuration());
      }
      String roleMax = spec.getRole() != null ? spec.getRole().getMaxSessionDuration() : null;
      if (policy.getMaxRoleSessionDuration() != null
          && duration(roleMax).compareTo(Durations.parse(policy.getMaxRoleSessionDuration())) > 0) {
        broken.add(
            "spec.role.maxSessionDuration "
                + (roleMax != null ? roleMax : "1h (default)")
                + " is longer than maxRoleSessionDuration "
                + policy.getMaxRoleSessionDuration());
      }
    }

    /**
     * maxGrantLifetime: a grant must end, by a ttl no longer than it or an expiresAt no later than
     * it after creation (the grant's creationTimestamp; at admission of a create, which the API
     * server stamps before asking, or now when absent). A ttl counts from the first Ready, which
     * comes after creation, so the bound is on the ttl itself.
     */
    private void lifetime() {
      if (policy.getMaxGrantLifetime() == null) {
        return;
      }
      String max = policy.getMaxGrantLifetime();
      Duration limit = Durations.parse(max);
      if (spec.getTtl() == null && spec.getExpiresAt() == null) {
        broken.add("spec.ttl or spec.expiresAt is required by maxGrantLifetime " + max);
        return;
      }
      if (spec.getTtl() != null) {
        if (Durations.parse(spec.getTtl()).compareTo(limit) > 0) {
          broken.add("spec.ttl " + spec.getTtl() + " is longer than maxGrantLifetime " + max);
        }
        return;
      }
      Instant created =
          resource.getMetadata().getCreationTimestamp() != null
              ? Instant.parse(resource.getMetadata().getCreationTimestamp())
              : now;
      Instant latest = created.plus(limit);
      if (OffsetDateTime.parse(spec.getExpiresAt()).toInstant().isAfter(latest)) {
        broken.add(
            "spec.expiresAt "
                + spec.getExpiresAt()
                + " is later than maxGrantLifetime "
                + max
                + " after the grant's creation ("
                + latest
                + ")");
      }
    }

    private static Duration duration(String text) {
      return Durations.parse(text != null ? text : "1h");
    }

    private void trust() {
      PolicyTrust required = policy.getRequiredTrust();
      if (required == null) {
        return;
      }
      TrustSpec trust = spec.getTrust() != null ? spec.getTrust() : new TrustSpec();
      if (Boolean.TRUE.equals(required.getExternalId())
          && trust.getExternalId() == null
          && trust.getExternalIdSecretRef() == null) {
        broken.add(
            "spec.trust.externalIdSecretRef (or externalId) is required by"
                + " requiredTrust.externalId");
      }
      if (required.getOrganizationId() != null
          && !required.getOrganizationId().equals(trust.getOrganizationId())) {
        broken.add(
            "spec.trust.organizationId must be "
                + required.getOrganizationId()
                + " (requiredTrust.organizationId)"
                + (trust.getOrganizationId() == null ? "" : ", not " + trust.getOrganizationId()));
      }
      if (Boolean.TRUE.equals(required.getMfa()) && !Boolean.TRUE.equals(trust.getRequireMfa())) {
        broken.add("spec.trust.requireMfa must be true (requiredTrust.mfa)");
      }
    }

    private void allowances(PolicyAllowances allow) {
      if (spec.getDeletionPolicy() == DeletionPolicy.Orphan
          && !Boolean.TRUE.equals(allow.getOrphan())) {
        broken.add("spec.deletionPolicy Orphan needs allow.orphan: true");
      }
      if (spec.getBucket().getDeletionPolicy() == BucketDeletionPolicy.Delete
          && !Boolean.TRUE.equals(allow.getBucketDelete())) {
        broken.add("spec.bucket.deletionPolicy Delete needs allow.bucketDelete: true");
      }
      Map<String, String> annotations = resource.getMetadata().getAnnotations();
      if (annotations != null
          && "true".equals(annotations.get(CrossAccountAccess.RELEASE_ANNOTATION))
          && !Boolean.TRUE.equals(allow.getReleaseFinalizer())) {
        broken.add(
            "metadata.annotations["
                + CrossAccountAccess.RELEASE_ANNOTATION
                + "] needs allow.releaseFinalizer: true");
      }
    }
  }
}
