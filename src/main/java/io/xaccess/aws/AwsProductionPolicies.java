package io.xaccess.aws;

import io.xaccess.grant.Grant;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/** {@link ProductionPolicies} on IAM, S3 and KMS, with the deployer identity's cached clients. */
@ApplicationScoped
public class AwsProductionPolicies implements ProductionPolicies {

  private final AwsClients clients;

  public AwsProductionPolicies(AwsClients clients) {
    this.clients = clients;
  }

  @Override
  public Live read(Grant.Account production, Target target) {
    IamClient iam = clients.iam(production);
    String role = target.roleName();
    Optional<Role> found =
        absentOn(
            () -> Optional.of(iam.getRole(r -> r.roleName(role)).role()),
            Optional.empty(),
            production,
            "read role " + role,
            "NoSuchEntity");
    if (found.isEmpty()) {
      return new Live(
          false,
          "",
          "",
          0,
          Map.of(),
          List.of(),
          true,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
    }
    Role r = found.get();
    Map<String, String> inline = new LinkedHashMap<>();
    List<String> attached = new ArrayList<>();
    call(
        production,
        "read the policies of role " + role,
        () -> {
          for (String name : iam.listRolePoliciesPaginator(q -> q.roleName(role)).policyNames()) {
            try {
              inline.put(
                  name,
                  decoded(
                      iam.getRolePolicy(q -> q.roleName(role).policyName(name)).policyDocument()));
            } catch (NoSuchEntityException goneMeanwhile) {
              // deleted between the listing and the read: not there
            }
          }
          iam.listAttachedRolePoliciesPaginator(q -> q.roleName(role)).attachedPolicies().stream()
              .map(AttachedPolicy::policyArn)
              .forEach(attached::add);
          return null;
        });
    String boundary =
        r.permissionsBoundary() == null ? "" : r.permissionsBoundary().permissionsBoundaryArn();
    long maxSession = r.maxSessionDuration() == null ? 3600 : r.maxSessionDuration();

    boolean bucketExists = true;
    Optional<String> bucketPolicy = Optional.empty();
    Optional<Encryption> encryption = Optional.empty();
    Optional<PublicAccess> publicAccess = Optional.empty();
    if (target.bucketPolicy() || target.bucketSettings()) {
      S3Client s3 = clients.s3(production, production.region());
      String bucket = target.bucket();
      String owner = production.accountId();
      try {
        if (target.bucketPolicy()) {
          bucketPolicy =
              absentOn(
                  () ->
                      Optional.of(
                          s3.getBucketPolicy(b -> b.bucket(bucket).expectedBucketOwner(owner))
                              .policy()),
                  Optional.empty(),
                  production,
                  "read the policy of bucket " + bucket,
                  "NoSuchBucketPolicy");
        }
        if (target.bucketSettings()) {
          encryption =
              absentOn(
                  () ->
                      s3
                          .getBucketEncryption(b -> b.bucket(bucket).expectedBucketOwner(owner))
                          .serverSideEncryptionConfiguration()
                          .rules()
                          .stream()
                          .findFirst()
                          .map(AwsProductionPolicies::encryption),
                  Optional.empty(),
                  production,
                  "read the encryption of bucket " + bucket,
                  "ServerSideEncryptionConfigurationNotFoundError");
          publicAccess =
              absentOn(
                  () ->
                      Optional.of(
                          publicAccess(
                              s3.getPublicAccessBlock(
                                      b -> b.bucket(bucket).expectedBucketOwner(owner))
                                  .publicAccessBlockConfiguration())),
                  Optional.empty(),
                  production,
                  "read the public access block of bucket " + bucket,
                  "NoSuchPublicAccessBlockConfiguration");
        }
      } catch (AwsProblem problem) {
        if (!(problem.getCause() instanceof AwsServiceException e && isCode(e, "NoSuchBucket"))) {
          throw problem;
        }
        bucketExists = false;
      }
    }
    Optional<String> keyPolicy = Optional.empty();
    Optional<String> key =
        target.keyId().isPresent() || !target.keyOfBucket()
            ? target.keyId()
            : encryption.flatMap(Encryption::keyId);
    if (key.isPresent()) {
      String keyId = key.get();
      keyPolicy =
          call(
              production,
              "read the policy of key " + keyId,
              () -> {
                try {
                  return Optional.of(
                      clients
                          .kms(production)
                          .getKeyPolicy(k -> k.keyId(keyId).policyName("default"))
                          .policy());
                } catch (NotFoundException gone) {
                  return Optional.empty();
                }
              });
    }
    return new Live(
        true,
        decoded(r.assumeRolePolicyDocument()),
        boundary,
        maxSession,
        inline,
        attached,
        bucketExists,
        bucketPolicy,
        encryption,
        publicAccess,
        keyPolicy);
  }

  @Override
  public void putTrust(Grant.Account production, String roleName, String document) {
    call(
        production,
        "put back the trust policy of role " + roleName,
        () ->
            clients
                .iam(production)
                .updateAssumeRolePolicy(r -> r.roleName(roleName).policyDocument(document)));
  }

  @Override
  public void putMaxSessionDuration(Grant.Account production, String roleName, long seconds) {
    call(
        production,
        "put back the maximum session duration of role " + roleName,
        () ->
            clients
                .iam(production)
                .updateRole(r -> r.roleName(roleName).maxSessionDuration((int) seconds)));
  }

  @Override
  public void putPermissionsBoundary(Grant.Account production, String roleName, String arn) {
    call(
        production,
        "put back the permissions boundary of role " + roleName,
        () ->
            clients
                .iam(production)
                .putRolePermissionsBoundary(r -> r.roleName(roleName).permissionsBoundary(arn)));
  }

  @Override
  public void putRolePolicy(
      Grant.Account production, String roleName, String name, String document) {
    call(
        production,
        "put back policy " + name + " of role " + roleName,
        () ->
            clients
                .iam(production)
                .putRolePolicy(
                    r -> r.roleName(roleName).policyName(name).policyDocument(document)));
  }

  @Override
  public void deleteRolePolicy(Grant.Account production, String roleName, String name) {
    call(
        production,
        "remove policy " + name + " from role " + roleName,
        () -> {
          try {
            clients.iam(production).deleteRolePolicy(r -> r.roleName(roleName).policyName(name));
          } catch (NoSuchEntityException gone) {
            // already gone: done
          }
          return null;
        });
  }

  @Override
  public void detachRolePolicy(Grant.Account production, String roleName, String policyArn) {
    call(
        production,
        "detach policy " + policyArn + " from role " + roleName,
        () -> {
          try {
            clients
                .iam(production)
                .detachRolePolicy(r -> r.roleName(roleName).policyArn(policyArn));
          } catch (NoSuchEntityException gone) {
            // already detached: done
          }
          return null;
        });
  }

  @Override
  public void putBucketPolicy(Grant.Account production, String bucket, String document) {
    call(
        production,
        "put back the policy of bucket " + bucket,
        () ->
            clients
                .s3(production, production.region())
                .putBucketPolicy(
                    r ->
                        r.bucket(bucket)
                            .expectedBucketOwner(production.accountId())
                            .policy(document)));
  }

  @Override
  public void putBucketEncryption(Grant.Account production, String bucket, Encryption wanted) {
    call(
        production,
        "put back the encryption of bucket " + bucket,
        () ->
            clients
                .s3(production, production.region())
                .putBucketEncryption(
                    r ->
                        r.bucket(bucket)
                            .expectedBucketOwner(production.accountId())
                            .serverSideEncryptionConfiguration(
                                c ->
                                    c.rules(
                                        rule ->
                                            rule.bucketKeyEnabled(wanted.bucketKey())
                                                .applyServerSideEncryptionByDefault(
                                                    d -> {
                                                      d.sseAlgorithm(wanted.algorithm());
                                                      wanted.keyId().ifPresent(d::kmsMasterKeyID);
                                                    })))));
  }

  @Override
  public void putPublicAccessBlock(Grant.Account production, String bucket, PublicAccess wanted) {
    call(
        production,
        "put back the public access block of bucket " + bucket,
        () ->
            clients
                .s3(production, production.region())
                .putPublicAccessBlock(
                    r ->
                        r.bucket(bucket)
                            .expectedBucketOwner(production.accountId())
                            .publicAccessBlockConfiguration(
                                c ->
                                    c.blockPublicAcls(wanted.blockPublicAcls())
                                        .ignorePublicAcls(wanted.ignorePublicAcls())
                                        .blockPublicPolicy(wanted.blockPublicPolicy())
                                        .restrictPublicBuckets(wanted.restrictPublicBuckets()))));
  }

  @Override
  public void putKeyPolicy(Grant.Account production, String keyId, String document) {
    call(
        production,
        "put back the policy of key " + keyId,
        () ->
            clients
                .kms(production)
                .putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy(document)));
  }

  private static Encryption encryption(ServerSideEncryptionRule rule) {
    var byDefault = rule.applyServerSideEncryptionByDefault();
    return new Encryption(
        byDefault == null ? "" : byDefault.sseAlgorithmAsString(),
        byDefault == null ? Optional.empty() : Optional.ofNullable(byDefault.kmsMasterKeyID()),
        Boolean.TRUE.equals(rule.bucketKeyEnabled()));
  }

  private static PublicAccess publicAccess(PublicAccessBlockConfiguration c) {
    return new PublicAccess(
        Boolean.TRUE.equals(c.blockPublicAcls()),
        Boolean.TRUE.equals(c.ignorePublicAcls()),
        Boolean.TRUE.equals(c.blockPublicPolicy()),
        Boolean.TRUE.equals(c.restrictPublicBuckets()));
  }

  /** IAM hands documents back URL-encoded; S3 and KMS as they are. */
  private static String decoded(String document) {
    String text = document == null ? "" : document.strip();
    return text.startsWith("%") ? URLDecoder.decode(text, StandardCharsets.UTF_8) : text;
  }

  /**
   * {@code action}, with an AWS answer of one of {@code codes} meaning "not there": {@code none}.
   */
  private static <T> T absentOn(
      Supplier<T> action, T none, Grant.Account production, String what, String... codes) {
    try {
      return action.get();
    } catch (AwsServiceException e) {
      for (String code : codes) {
        if (isCode(e, code)) {
          return none;
        }
      }
      throw classify(e, production, what);
    } catch (SdkException e) {
      throw classify(e, production, what);
    }
  }

  private static <T> T call(Grant.Account production, String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (SdkException e) {
      throw classify(e, production, what);
    }
  }

  private static AwsProblem classify(SdkException e, Grant.Account production, String what) {
    return AwsProblems.classify(e, what, production.accountId(), AwsClients.describe(production));
  }

  private static boolean isCode(AwsServiceException e, String code) {
    return e.awsErrorDetails() != null && code.equals(e.awsErrorDetails().errorCode())
        || (code.equals("NoSuchEntity") && e instanceof NoSuchEntityException);
  }
}
