package io.xaccess.drift;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaccess.aws.ProductionPolicies.Encryption;
import io.xaccess.aws.ProductionPolicies.Live;
import io.xaccess.aws.ProductionPolicies.PublicAccess;
import io.xaccess.render.EffectivePolicies;
import io.xaccess.render.RenderedTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a grant's production stack declares, by the resource that holds it, as the drift check
 * compares it with what AWS holds: the role's trust, maximum session and permissions boundary, each
 * of its inline policies by name (one the stack does not declare is drift too, and so is any
 * attached managed policy: the stack attaches none), the bucket policy when the stack manages it,
 * the key policy when it creates the key, and the encryption and public access block of a bucket it
 * creates. Taken from the stack's template evaluated with its parameters ({@link
 * io.xaccess.render.RenderedGrant}), so "declared" means exactly what CloudFormation applied.
 *
 * @param roleName the production role
 * @param trust its trust policy
 * @param maxSessionSeconds its MaxSessionDuration
 * @param permissionsBoundary its permissions boundary, empty for none
 * @param rolePolicies its inline policies, by PolicyName
 * @param bucketName the bucket
 * @param bucketPolicy the bucket policy, when the stack manages it
 * @param keyPolicy the key policy, when the stack creates the key
 * @param encryption the bucket's default encryption, when the stack creates the bucket
 * @param publicAccess the bucket's public access block, when the stack creates the bucket
 */
public record DeclaredDocuments(
    String roleName,
    JsonNode trust,
    long maxSessionSeconds,
    String permissionsBoundary,
    Map<String, JsonNode> rolePolicies,
    String bucketName,
    Optional<JsonNode> bucketPolicy,
    Optional<JsonNode> keyPolicy,
    Optional<Encryption> encryption,
    Optional<PublicAccess> publicAccess) {

  /** What kind of resource drifted, which says how it is put back. */
  public enum Kind {
    /** The role is gone: CloudFormation cannot restore it in place. */
    ROLE_GONE,
    TRUST,
    MAX_SESSION,
    PERMISSIONS_BOUNDARY,
    /** A declared inline policy changed or was deleted: put back. */
    ROLE_POLICY,
    /** An inline policy the stack does not declare: removed. */
    EXTRA_ROLE_POLICY,
    /** A managed policy attached to the role: detached. */
    ATTACHED_POLICY,
    /** The bucket is gone: nothing of it can be put back. */
    BUCKET_GONE,
    BUCKET_POLICY,
    ENCRYPTION,
    PUBLIC_ACCESS,
    KEY_POLICY;

    /** Whether a direct call can put it back. */
    public boolean repairable() {
      return this != ROLE_GONE && this != BUCKET_GONE;
    }
  }

  /**
   * One resource that does not hold what the stack declares.
   *
   * @param kind what it is
   * @param subject the inline policy's name or the attached policy's ARN; empty otherwise
   * @param resource the resource in words
   * @param changes what changed, each in plain words
   */
  public record Finding(Kind kind, String subject, String resource, List<String> changes) {
    /** In a line: {@code trust policy of role X: statement ...; statement ...}. */
    public String message() {
      return resource + ": " + String.join("; ", changes);
    }
  }

  /**
   * The declared documents of a rendered production stack: the policies as {@code policies} holds
   * them, the bucket's settings from the {@code production} template.
   */
  public static DeclaredDocuments of(EffectivePolicies policies, RenderedTemplate production) {
    String arn = policies.roleArn();
    Optional<Encryption> encryption = Optional.empty();
    Optional<PublicAccess> publicAccess = Optional.empty();
    if (production.exists("Bucket")) {
      JsonNode rule =
          production
              .property("Bucket", "BucketEncryption")
              .path("ServerSideEncryptionConfiguration")
              .path(0);
      JsonNode byDefault = rule.path("ServerSideEncryptionByDefault");
      String key = byDefault.path("KMSMasterKeyID").asText("");
      encryption =
          Optional.of(
              new Encryption(
                  byDefault.path("SSEAlgorithm").asText(),
                  key.isEmpty() ? Optional.empty() : Optional.of(key),
                  rule.path("BucketKeyEnabled").asBoolean(false)));
      JsonNode block = production.property("Bucket", "PublicAccessBlockConfiguration");
      publicAccess =
          Optional.of(
              new PublicAccess(
                  block.path("BlockPublicAcls").asBoolean(false),
                  block.path("IgnorePublicAcls").asBoolean(false),
                  block.path("BlockPublicPolicy").asBoolean(false),
                  block.path("RestrictPublicBuckets").asBoolean(false)));
    }
    return new DeclaredDocuments(
        arn.substring(arn.lastIndexOf('/') + 1),
        policies.roleTrust(),
        policies.maxSessionSeconds(),
        policies.permissionsBoundary(),
        new LinkedHashMap<>(policies.rolePolicies()),
        production.parameter("BucketName"),
        policies.bucketPolicy(),
        policies.keyPolicy(),
        encryption,
        publicAccess);
  }

  /** Each resource that differs in meaning, with what changed; empty when nothing drifted. */
  public List<Finding> compare(Live live, String partition) {
    List<Finding> out = new ArrayList<>();
    String role = "role " + roleName;
    if (!live.roleExists()) {
      out.add(
          new Finding(
              Kind.ROLE_GONE,
              "",
              role,
              List.of(
                  "deleted outside the stack (CloudFormation cannot restore it in place: delete"
                      + " and re-create the grant)")));
    } else {
      document(
          out,
          Kind.TRUST,
          "",
          "trust policy of " + role,
          Optional.of(trust),
          Optional.of(live.trust()),
          partition);
      if (live.maxSessionSeconds() != maxSessionSeconds) {
        out.add(
            new Finding(
                Kind.MAX_SESSION,
                "",
                "maximum session duration of " + role,
                List.of(maxSessionSeconds + " s changed to " + live.maxSessionSeconds() + " s")));
      }
      if (!live.permissionsBoundary().equals(permissionsBoundary)) {
        out.add(
            new Finding(
                Kind.PERMISSIONS_BOUNDARY,
                "",
                "permissions boundary of " + role,
                List.of(boundaryChange(live.permissionsBoundary()))));
      }
      rolePolicies.forEach(
          (name, declared) ->
              document(
                  out,
                  Kind.ROLE_POLICY,
                  name,
                  "policy " + name + " of " + role,
                  Optional.of(declared),
                  Optional.ofNullable(live.inlinePolicies().get(name)),
                  partition));
      live.inlinePolicies().keySet().stream()
          .filter(name -> !rolePolicies.containsKey(name))
          .sorted()
          .forEach(
              name ->
                  out.add(
                      new Finding(
                          Kind.EXTRA_ROLE_POLICY,
                          name,
                          "policy " + name + " of " + role,
                          List.of(
                              "added: " + summary(live.inlinePolicies().get(name), partition)))));
      live.attachedPolicies().stream()
          .sorted()
          .forEach(
              arn ->
                  out.add(
                      new Finding(
                          Kind.ATTACHED_POLICY,
                          arn,
                          "managed policy " + arn + " of " + role,
                          List.of("attached (the stack attaches no managed policy)"))));
    }
    if (!live.bucketExists()) {
      out.add(
          new Finding(
              Kind.BUCKET_GONE, "", "bucket " + bucketName, List.of("deleted outside the stack")));
      return List.copyOf(out);
    }
    document(
        out,
        Kind.BUCKET_POLICY,
        "",
        "bucket policy of " + bucketName,
        bucketPolicy,
        live.bucketPolicy(),
        partition);
    document(
        out,
        Kind.KEY_POLICY,
        "",
        "key policy of bucket " + bucketName,
        keyPolicy,
        live.keyPolicy(),
        partition);
    encryption.ifPresent(
        declared -> {
          List<String> changes = encryptionChanges(declared, live.encryption());
          if (!changes.isEmpty()) {
            out.add(
                new Finding(Kind.ENCRYPTION, "", "encryption of bucket " + bucketName, changes));
          }
        });
    publicAccess.ifPresent(
        declared -> {
          List<String> changes = publicAccessChanges(declared, live.publicAccess());
          if (!changes.isEmpty()) {
            out.add(
                new Finding(
                    Kind.PUBLIC_ACCESS,
                    "",
                    "public access block of bucket " + bucketName,
                    changes));
          }
        });
    return List.copyOf(out);
  }

  private static void document(
      List<Finding> out,
      Kind kind,
      String subject,
      String resource,
      Optional<JsonNode> declared,
      Optional<String> live,
      String partition) {
    if (declared.isEmpty()) {
      return; // not the stack's: a bucket policy it does not manage is the bucket owner's
    }
    if (live.isEmpty()) {
      out.add(new Finding(kind, subject, resource, List.of("deleted")));
      return;
    }
    PolicyMeaning held;
    try {
      held = PolicyMeaning.parse(live.get(), partition);
    } catch (IllegalArgumentException unreadable) {
      // Not a policy document at all (AWS never answers so; a broken tool may have written it):
      // surely not the declared one, and putting that back makes it readable again.
      out.add(new Finding(kind, subject, resource, List.of(unreadable.getMessage())));
      return;
    }
    List<String> changes = PolicyDrift.changes(PolicyMeaning.of(declared.get(), partition), held);
    if (!changes.isEmpty()) {
      out.add(new Finding(kind, subject, resource, changes));
    }
  }

  private String boundaryChange(String live) {
    if (live.isEmpty()) {
      return permissionsBoundary + " removed";
    }
    if (permissionsBoundary.isEmpty()) {
      return live + " added";
    }
    return permissionsBoundary + " changed to " + live;
  }

  private static List<String> encryptionChanges(Encryption declared, Optional<Encryption> live) {
    if (live.isEmpty()) {
      return List.of("default encryption removed");
    }
    Encryption now = live.get();
    List<String> out = new ArrayList<>();
    if (!declared.algorithm().equalsIgnoreCase(now.algorithm())) {
      out.add("algorithm " + declared.algorithm() + " changed to " + now.algorithm());
    }
    String declaredKey = declared.keyId().orElse("");
    String liveKey = now.keyId().orElse("");
    if (!sameKey(declaredKey, liveKey)) {
      out.add(
          declaredKey.isEmpty()
              ? "key " + liveKey + " added"
              : liveKey.isEmpty()
                  ? "key " + declaredKey + " removed"
                  : "key " + declaredKey + " changed to " + liveKey);
    }
    if (declared.bucketKey() != now.bucketKey()) {
      out.add("bucket key turned " + (now.bucketKey() ? "on" : "off"));
    }
    return out;
  }

  /** A key named by its ARN and by its id is the same key. */
  private static boolean sameKey(String declared, String live) {
    return declared.equals(live)
        || (!live.isEmpty() && declared.endsWith(":key/" + live))
        || (!declared.isEmpty() && live.endsWith(":key/" + declared));
  }

  private static List<String> publicAccessChanges(
      PublicAccess declared, Optional<PublicAccess> live) {
    if (live.isEmpty()) {
      return List.of("removed (no public access block on the bucket)");
    }
    PublicAccess now = live.get();
    List<String> out = new ArrayList<>();
    flag(out, "BlockPublicAcls", declared.blockPublicAcls(), now.blockPublicAcls());
    flag(out, "IgnorePublicAcls", declared.ignorePublicAcls(), now.ignorePublicAcls());
    flag(out, "BlockPublicPolicy", declared.blockPublicPolicy(), now.blockPublicPolicy());
    flag(
        out,
        "RestrictPublicBuckets",
        declared.restrictPublicBuckets(),
        now.restrictPublicBuckets());
    return out;
  }

  private static void flag(List<String> out, String name, boolean declared, boolean live) {
    if (declared != live) {
      out.add(name + " turned " + (live ? "on" : "off"));
    }
  }

  private static String summary(String document, String partition) {
    try {
      return summary(PolicyMeaning.parse(document, partition));
    } catch (IllegalArgumentException unreadable) {
      return unreadable.getMessage();
    }
  }

  private static String summary(PolicyMeaning document) {
    List<String> statements = new ArrayList<>();
    document.statements().forEach(s -> statements.add(PolicyDrift.describe(s)));
    return statements.isEmpty() ? "no statement" : String.join(", ", statements);
  }
}
