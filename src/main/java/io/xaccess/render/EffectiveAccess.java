package io.xaccess.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaccess.render.PolicyStatement.Condition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may do what under which conditions, read from a grant's {@link EffectivePolicies} — never
 * from its spec, so the words describe the documents AWS enforces. Gives the plain-language {@link
 * #summary()} render prints and the {@link #facts()} an {@link AccessDiff} compares.
 */
public final class EffectiveAccess {

  /** The production role may do {@code action} on {@code resource} when every condition holds. */
  public record Permission(String action, String resource, List<Condition> conditions) {
    @Override
    public String toString() {
      return action
          + " on "
          + resource
          + (conditions.isEmpty()
              ? ""
              : " if "
                  + conditions.stream()
                      .map(Condition::toString)
                      .collect(Collectors.joining(" and ")));
    }
  }

  private static final Map<String, String> VERBS =
      Map.ofEntries(
          Map.entry("s3:GetObject", "get objects"),
          Map.entry("s3:GetObjectVersion", "get object versions"),
          Map.entry("s3:GetObjectTagging", "read object tags"),
          Map.entry("s3:PutObject", "put objects"),
          Map.entry("s3:PutObjectTagging", "tag objects"),
          Map.entry("s3:DeleteObject", "delete objects"),
          Map.entry("s3:AbortMultipartUpload", "abort multipart uploads"),
          Map.entry("s3:ListMultipartUploadParts", "list the parts of multipart uploads"),
          Map.entry("s3:ListBucket", "list keys"),
          Map.entry("s3:ListBucketVersions", "list object versions"),
          Map.entry("s3:ListBucketMultipartUploads", "list multipart uploads"),
          Map.entry("s3:GetBucketLocation", "read the bucket's region"));

  private final EffectivePolicies policies;
  private final List<String> principals = new ArrayList<>();
  private final List<String> principalAccounts = new ArrayList<>();
  private final List<Condition> trustConditions = new ArrayList<>();
  private final List<PolicyStatement> verifiers = new ArrayList<>();
  private final List<PolicyStatement> trustDenials = new ArrayList<>();
  private final List<Permission> permissions = new ArrayList<>();
  private final List<PolicyStatement> roleDenials = new ArrayList<>();

  private EffectiveAccess(EffectivePolicies policies) {
    this.policies = policies;
    for (PolicyStatement s : PolicyStatement.of(policies.roleTrust())) {
      if (!s.allows()) {
        trustDenials.add(s);
      } else if (!s.condition("ArnEquals", "aws:PrincipalArn").isEmpty()) {
        verifiers.add(s);
      } else {
        principals.addAll(s.condition("ArnLike", "aws:PrincipalArn"));
        principalAccounts.addAll(s.condition("StringEquals", "aws:PrincipalAccount"));
        for (Condition c : s.conditions()) {
          boolean structural =
              c.key().equals("aws:PrincipalArn")
                  || c.key().equals("aws:PrincipalAccount") && c.operator().equals("StringEquals");
          if (!structural && !trustConditions.contains(c)) {
            trustConditions.add(c);
          }
        }
      }
    }
    for (var policy : policies.rolePolicies().values()) {
      for (PolicyStatement s : PolicyStatement.of(policy)) {
        if (!s.allows()) {
          roleDenials.add(s);
          continue;
        }
        for (String action : s.actions()) {
          for (String resource : s.resources()) {
            permissions.add(new Permission(action, resource, s.conditions()));
          }
        }
      }
    }
  }

  /** What the documents allow. */
  public static EffectiveAccess of(EffectivePolicies policies) {
    return new EffectiveAccess(policies);
  }

  /** The production role. */
  public String role() {
    return policies.roleArn();
  }

  /** The aws:PrincipalArn patterns of the development principals that may assume the role. */
  public List<String> principals() {
    return List.copyOf(principals);
  }

  /** Conditions on assuming the role, besides who the caller is. */
  public List<Condition> trustConditions() {
    return List.copyOf(trustConditions);
  }

  /** What the role may do. */
  public List<Permission> permissions() {
    return List.copyOf(permissions);
  }

  /** The longest session of the role. */
  public Duration maxSession() {
    return Duration.ofSeconds(policies.maxSessionSeconds());
  }

  /**
   * Every fact of the access, one line each: principals, conditions, session length, permissions,
   * denials, bucket and key policy statements, development attachments, the operator's verifier.
   * Two renders' facts differ exactly where what AWS enforces differs.
   */
  public List<String> facts() {
    Set<String> facts = new LinkedHashSet<>();
    String role = role();
    principals.forEach(p -> facts.add("principal: " + p + " may assume " + role));
    trustConditions.forEach(c -> facts.add("condition: assuming " + role + " requires " + c));
    trustDenials.forEach(s -> facts.add("trust: " + statement(s)));
    facts.add("session: sessions of " + role + " last at most " + words(maxSession()));
    permissions.forEach(p -> facts.add("permission: " + role + " may " + p));
    roleDenials.forEach(s -> facts.add("denial: " + role + ": " + statement(s)));
    policies.bucketPolicy().ifPresent(d -> resourcePolicy("bucket policy", d, facts));
    if (policies.bucketPolicy().isEmpty()) {
      facts.add("bucket policy: not managed by the stack");
    }
    policies.keyPolicy().ifPresent(d -> resourcePolicy("key policy", d, facts));
    if (policies.assumePolicy().isPresent()) {
      policies
          .assumePolicyRoles()
          .forEach(r -> facts.add("development: the assume policy is attached to role " + r));
      policies
          .assumePolicyUsers()
          .forEach(u -> facts.add("development: the assume policy is attached to user " + u));
    } else {
      facts.add("development: no assume policy");
    }
    policies
        .assumerTrust()
        .ifPresent(
            t ->
                PolicyStatement.of(t)
                    .forEach(
                        s -> facts.add("development: the assumer role trusts " + statement(s))));
    verifiers.forEach(
        s ->
            facts.add(
                "operator: "
                    + String.join(", ", s.condition("ArnEquals", "aws:PrincipalArn"))
                    + " may assume "
                    + role
                    + " as session "
                    + String.join(", ", s.condition("StringEquals", "sts:RoleSessionName"))));
    return List.copyOf(facts);
  }

  /** Allow statements one fact per principal, action and resource; a Deny as one fact. */
  private static void resourcePolicy(String name, JsonNode document, Set<String> facts) {
    for (PolicyStatement s : PolicyStatement.of(document)) {
      if (!s.allows()) {
        facts.add(name + ": " + statement(s));
        continue;
      }
      for (String principal : s.principals()) {
        for (String action : s.actions()) {
          for (String resource : s.resources()) {
            facts.add(
                name
                    + ": allows "
                    + principal
                    + " "
                    + new Permission(action, resource, s.conditions()));
          }
        }
      }
    }
  }

  private static String statement(PolicyStatement s) {
    return (s.allows() ? "allows " : "denies ")
        + (s.principals().isEmpty() ? "" : list(s.principals()) + " ")
        + list(s.actions())
        + (s.resources().isEmpty() ? "" : " on " + list(s.resources()))
        + (s.conditions().isEmpty()
            ? ""
            : " if "
                + s.conditions().stream()
                    .map(Condition::toString)
                    .collect(Collectors.joining(" and ")));
  }

  private static String list(List<String> values) {
    return values.size() == 1 ? values.get(0) : "[" + String.join(", ", values) + "]";
  }

  /** One paragraph in plain words. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    String role = role();
    String account = principalAccounts.isEmpty() ? "" : " in account " + principalAccounts.get(0);
    if (principals.isEmpty()) {
      out.append("No development principal may assume ").append(role);
      if (!trustDenials.isEmpty()) {
        out.append(" (its trust denies everyone: the grant is closed)");
      }
      out.append(".");
    } else {
      List<String> any = principals.stream().filter(p -> p.endsWith(":*")).toList();
      if (any.size() == principals.size()) {
        out.append("Any principal").append(account);
      } else {
        out.append("Principals matching ").append(or(principals)).append(account);
      }
      out.append(" may assume ").append(role);
      out.append(" for up to ").append(words(maxSession())).append(" per session");
      String doing = doing();
      out.append(doing.isEmpty() ? ", but it grants no S3 action" : " and " + doing);
      List<String> only = onlyIf();
      if (!only.isEmpty()) {
        out.append(", ").append(String.join(", ", only));
      }
      out.append(".");
    }
    encryption().ifPresent(e -> out.append(" ").append(e));
    out.append(" ").append(bucketPolicySentence());
    out.append(" ").append(developmentSentence());
    if (!roleDenials.isEmpty()) {
      for (PolicyStatement s : roleDenials) {
        List<String> before = s.condition("DateLessThan", "aws:TokenIssueTime");
        if (!before.isEmpty()) {
          out.append(" Sessions of the role issued before ")
              .append(before.get(0))
              .append(" are denied everything (revoked).");
        } else {
          out.append(" The role is also ").append(statement(s)).append(".");
        }
      }
    }
    verifiers.forEach(
        s ->
            out.append(" The operator's verifier role ")
                .append(String.join(", ", s.condition("ArnEquals", "aws:PrincipalArn")))
                .append(" may assume the role too, under the same conditions except MFA, as")
                .append(" session ")
                .append(String.join(", ", s.condition("StringEquals", "sts:RoleSessionName")))
                .append(" only."));
    return out.toString();
  }

  /** "put and get objects under releases/ in bucket b and list keys under releases/". */
  private String doing() {
    List<String> parts = new ArrayList<>();
    Map<String, List<Permission>> byResource =
        permissions.stream()
            .filter(p -> p.action().startsWith("s3:"))
            .collect(
                Collectors.groupingBy(
                    p -> p.resource() + "|" + p.conditions(),
                    LinkedHashMap::new,
                    Collectors.toList()));
    for (List<Permission> group : byResource.values()) {
      Permission first = group.get(0);
      String verbs =
          verbs(group.stream().map(p -> VERBS.getOrDefault(p.action(), p.action())).toList());
      String resource = first.resource();
      int slash = resource.indexOf('/');
      String bucket =
          resource.substring(resource.lastIndexOf(':') + 1, slash < 0 ? resource.length() : slash);
      if (slash >= 0) {
        String prefix =
            resource.substring(slash + 1, resource.length() - (resource.endsWith("*") ? 1 : 0));
        parts.add(
            verbs + (prefix.isEmpty() ? " anywhere" : " under " + prefix) + " in bucket " + bucket);
      } else {
        List<String> prefixes =
            first.conditions().stream()
                .filter(c -> c.key().equals("s3:prefix"))
                .flatMap(c -> c.values().stream())
                .map(v -> v.endsWith("*") ? v.substring(0, v.length() - 1) : v)
                .toList();
        parts.add(
            verbs
                + (prefixes.isEmpty() || prefixes.equals(List.of(""))
                    ? " in bucket " + bucket
                    : " under " + or(prefixes) + " in bucket " + bucket));
      }
    }
    return or(parts, "and");
  }

  /** "put objects", "get objects" → "put and get objects". */
  private static String verbs(List<String> phrases) {
    String object = null;
    List<String> heads = new ArrayList<>();
    for (String phrase : phrases) {
      int space = phrase.indexOf(' ');
      String tail = space < 0 ? "" : phrase.substring(space + 1);
      if (space < 0 || (object != null && !object.equals(tail))) {
        return or(phrases, "and");
      }
      object = tail;
      heads.add(phrase.substring(0, space));
    }
    return or(heads, "and") + " " + object;
  }

  /** The trust conditions in words. */
  private List<String> onlyIf() {
    List<String> only = new ArrayList<>();
    for (Condition c : trustConditions) {
      switch (c.key()) {
        case "aws:RequestedRegion" -> only.add("from " + or(c.values()) + " only");
        case "aws:PrincipalOrgID" -> only.add("only inside organization " + or(c.values()));
        case "sts:ExternalId" -> only.add("only with the external id " + or(c.values()));
        case "aws:MultiFactorAuthPresent" -> only.add("only when signed in with MFA");
        case "aws:MultiFactorAuthAge" ->
            only.add(
                "with an MFA sign-in at most "
                    + words(Duration.ofSeconds(Long.parseLong(c.values().get(0))))
                    + " old");
        default -> only.add("only if " + c);
      }
    }
    return only;
  }

  private Optional<String> encryption() {
    Optional<Permission> kms =
        permissions.stream().filter(p -> p.action().startsWith("kms:")).findFirst();
    if (kms.isEmpty()) {
      return Optional.of(
          "The role holds no KMS permission: objects are expected to be S3-encrypted.");
    }
    String via =
        kms.get().conditions().stream()
            .filter(c -> c.key().equals("kms:ViaService"))
            .flatMap(c -> c.values().stream())
            .findFirst()
            .map(v -> " only through " + v)
            .orElse("");
    return Optional.of(
        "Objects are encrypted with "
            + (policies.keyPolicy().isPresent()
                ? "a KMS key created for this grant"
                : "the KMS key")
            + " ("
            + kms.get().resource()
            + "), which the role may use"
            + via
            + ".");
  }

  private String bucketPolicySentence() {
    if (policies.bucketPolicy().isEmpty()) {
      return "The stack does not manage the bucket policy: access is granted through the role's"
          + " own policy alone, and the bucket's existing policy may still deny it.";
    }
    List<String> denials = new ArrayList<>();
    for (PolicyStatement s : PolicyStatement.of(policies.bucketPolicy().get())) {
      if (s.allows()) {
        continue;
      }
      List<String> insecure = s.condition("Bool", "aws:SecureTransport");
      List<String> except = s.condition("ArnNotEquals", "aws:PrincipalArn");
      if (insecure.equals(List.of("false"))) {
        denials.add("requests without TLS");
      } else if (!except.isEmpty()) {
        denials.add(
            "object access on "
                + or(s.resources())
                + " to every principal but "
                + or(except, "and")
                + ", whatever their IAM permissions");
      } else {
        denials.add(statement(s));
      }
    }
    return "The bucket policy, managed by the stack, lets the role in"
        + (denials.isEmpty() ? "." : " and denies " + or(denials, "and") + ".");
  }

  private String developmentSentence() {
    if (policies.assumePolicy().isEmpty()) {
      return "The development account holds no permission to assume the role.";
    }
    List<String> attached = new ArrayList<>();
    policies.assumePolicyRoles().forEach(r -> attached.add("role " + r));
    policies.assumePolicyUsers().forEach(u -> attached.add("user " + u));
    StringBuilder out =
        new StringBuilder("In the development account the permission to assume it ");
    if (attached.isEmpty()) {
      out.append("is attached to no principal: each needs sts:AssumeRole on ")
          .append(role())
          .append(" from its own policies");
    } else {
      out.append("is attached to ").append(or(attached, "and"));
      List<String> patterns = principals.stream().filter(p -> p.contains("*")).toList();
      if (!patterns.isEmpty()) {
        out.append("; principals matching ")
            .append(or(patterns))
            .append(" need it from their own policies");
      }
    }
    out.append(".");
    policies
        .assumerTrust()
        .ifPresent(
            t -> {
              for (PolicyStatement s : PolicyStatement.of(t)) {
                List<String> sso = s.condition("ArnLike", "aws:PrincipalArn");
                out.append(" An assumer role trusted by ")
                    .append(
                        sso.isEmpty()
                            ? or(s.principals())
                            : "IAM Identity Center (SSO) users (" + or(sso) + ")")
                    .append(" may assume it too.");
              }
            });
    return out.toString();
  }

  /** 3600 s → "1 h", 5400 s → "1 h 30 min". */
  static String words(Duration d) {
    long h = d.toHours();
    long m = d.toMinutesPart();
    long s = d.toSecondsPart();
    List<String> parts = new ArrayList<>();
    if (h > 0) {
      parts.add(h + " h");
    }
    if (m > 0) {
      parts.add(m + " min");
    }
    if (s > 0 || parts.isEmpty()) {
      parts.add(s + " s");
    }
    return String.join(" ", parts);
  }

  private static String or(List<String> values) {
    return or(values, "or");
  }

  private static String or(List<String> values, String word) {
    if (values.size() <= 1) {
      return values.isEmpty() ? "" : values.get(0);
    }
    return String.join(", ", values.subList(0, values.size() - 1))
        + " "
        + word
        + " "
        + values.get(values.size() - 1);
  }
}
