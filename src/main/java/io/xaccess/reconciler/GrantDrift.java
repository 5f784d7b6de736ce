package io.xaccess.reconciler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.DriftFinding;
import io.xaccess.api.v1alpha1.DriftPolicy;
import io.xaccess.api.v1alpha1.DriftStatus;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsProblem;
import io.xaccess.aws.ProductionPolicies;
import io.xaccess.aws.ProductionStorage;
import io.xaccess.cloudformation.StackGateway;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.config.XaccessConfig;
import io.xaccess.drift.DeclaredDocuments;
import io.xaccess.drift.DeclaredDocuments.Finding;
import io.xaccess.drift.DeclaredDocuments.Kind;
import io.xaccess.grant.Grant;
import io.xaccess.grant.Side;
import io.xaccess.metrics.GrantMetrics;
import io.xaccess.render.CloudFormationYaml;
import io.xaccess.render.RenderedGrant;
import io.xaccess.render.RenderedTemplate;
import io.xaccess.status.GrantStatusBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The drift step of the runbook, once both stacks hold the spec: at each interval (or when the
 * {@value CrossAccountAccess#CHECK_DRIFT_ANNOTATION} annotation asks) the production role, the
 * bucket policy the stack manages, the key policy and the bucket's settings are read from AWS and
 * compared by meaning with what the production stack declares; under {@code driftPolicy: Repair}
 * what differs is put back with direct calls, after proving each resource is the stack's own
 * (CloudFormation's resource list for the stack, the uid tag of the bucket and key). A check that
 * finds nothing writes nothing to AWS.
 */
@ApplicationScoped
public class GrantDrift {

  private static final Logger LOG = Logger.getLogger(GrantDrift.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String NO_DRIFT = "NoDrift";
  static final String DRIFTED = "Drifted";
  static final String REPAIRED = "Repaired";
  static final String REPAIR_FAILED = "RepairFailed";
  static final String CHECK_FAILED = "CheckFailed";

  private final ProductionPolicies aws;
  private final ProductionStorage storage;
  private final StackGateway stacks;
  private final GrantMetrics metrics;
  private final XaccessConfig.Drift settings;
  private final String partition;
  private final Clock clock;

  public GrantDrift(
      ProductionPolicies aws,
      ProductionStorage storage,
      StackGateway stacks,
      GrantMetrics metrics,
      XaccessConfig config,
      Clock clock) {
    this.aws = aws;
    this.storage = storage;
    this.stacks = stacks;
    this.metrics = metrics;
    this.settings = config.drift();
    this.partition = config.aws().partition();
    this.clock = clock;
  }

  /**
   * What a drift step came to.
   *
   * @param repaired whether AWS was changed back, so the access is to be proven again
   * @param next when the next check is due; empty when none is scheduled
   */
  record Outcome(boolean repaired, Optional<Duration> next) {}

  /**
   * Checks the grant if a check is due, records it in {@code status} and repairs under Repair.
   *
   * @param production the request the production stack was deployed with
   * @param development the request the development stack was deployed with
   */
  Outcome advance(
      CrossAccountAccess resource,
      Grant grant,
      StackRequest production,
      StackRequest development,
      GrantStatusBuilder status) {
    DriftStatus last = status.drift();
    Schedule schedule = schedule(resource, last, due(last, status, clock.instant()));
    if (!schedule.now()) {
      return new Outcome(false, schedule.until());
    }
    Grant.Account account = grant.account(Side.PRODUCTION);
    DriftStatus checked = schedule.check();
    if (last != null) {
      checked.setLastRepairAt(last.getLastRepairAt());
      checked.setLastRepair(last.getLastRepair());
    }

    List<Finding> findings;
    DeclaredDocuments declared;
    try {
      Seen seen = read(grant, account, production, development, status);
      declared = seen.declared();
      findings = declared.compare(seen.live(), partition);
    } catch (AwsProblem problem) {
      metrics.driftCheck("failed");
      checked.setResult(CHECK_FAILED);
      if (last != null) {
        checked.setFindings(last.getFindings());
      }
      status.drift(
          checked,
          "Unknown",
          Reason.DriftCheckFailed,
          "the live configuration could not be read: "
              + problem.getMessage()
              + "; checked again in "
              + settings.retryDelay().toSeconds()
              + " s");
      return new Outcome(false, Optional.of(retry()));
    }
    findings.forEach(f -> metrics.driftFinding(kind(f.kind())));
    metrics.driftCheck(findings.isEmpty() ? "none" : "drifted");
    if (findings.isEmpty()) {
      checked.setResult(NO_DRIFT);
      status.drift(
          checked, "False", Reason.NoDrift, compared(declared) + " hold what the stack declares");
      return new Outcome(false, periodic());
    }
    checked.setFindings(findings.stream().map(GrantDrift::finding).toList());
    String what = describe(findings);
    if (policy(resource) == DriftPolicy.Report) {
      checked.setResult(DRIFTED);
      status.drift(
          checked,
          "True",
          Reason.DriftDetected,
          what + " (spec.driftPolicy Report: nothing was changed in AWS)");
      return new Outcome(false, periodic());
    }
    List<Finding> repairable = findings.stream().filter(f -> f.kind().repairable()).toList();
    try {
      repair(grant, account, declared, repairable, status);
    } catch (AwsProblem problem) {
      metrics.driftRepair("failed");
      checked.setResult(REPAIR_FAILED);
      status.drift(
          checked,
          "True",
          Reason.DriftRepairFailed,
          what + "; putting it back failed: " + problem.getMessage());
      return new Outcome(false, Optional.of(retry()));
    }
    if (!repairable.isEmpty()) {
      metrics.driftRepair("repaired");
      checked.setLastRepairAt(checked.getCheckedAt());
      checked.setLastRepair(repairable.stream().map(GrantDrift::finding).toList());
      LOG.infof("%s/%s: drift repaired: %s", grant.namespace(), grant.name(), describe(repairable));
    }
    if (repairable.size() < findings.size()) {
      checked.setResult(DRIFTED);
      status.drift(
          checked,
          "True",
          Reason.DriftRepairFailed,
          what
              + "; "
              + describe(findings.stream().filter(f -> !f.kind().repairable()).toList())
              + " cannot be put back by a direct call");
    } else {
      checked.setResult(REPAIRED);
      status.drift(
          checked,
          "False",
          Reason.DriftRepaired,
          "put back at " + checked.getCheckedAt() + ": " + what);
    }
    return new Outcome(!repairable.isEmpty(), periodic());
  }

  /**
   * managementPolicy Observe: the role, bucket and key the spec names compared with what the spec
   * would deploy, at once and then every interval (or when asked); nothing is ever written,
   * whatever spec.driftPolicy says. Without a stack that names the key, the key is the one the
   * bucket's default encryption names.
   *
   * @return when to look again, and whether AWS holds what the spec would deploy (empty when it
   *     could not be read)
   */
  Observation observe(
      CrossAccountAccess resource,
      Grant grant,
      StackRequest production,
      StackRequest development,
      GrantStatusBuilder status) {
    DriftStatus last = status.drift();
    Instant now = clock.instant();
    // Observed at once the first time: what is there was not deployed by the operator just now.
    Schedule schedule =
        schedule(
            resource,
            last,
            last == null || last.getCheckedAt() == null
                ? Optional.of(now)
                : due(last, status, now));
    if (!schedule.now()) {
      return new Observation(schedule.until(), matched(last), last == null ? null : summary(last));
    }
    Grant.Account account = grant.account(Side.PRODUCTION);
    DriftStatus checked = schedule.check();
    Seen seen;
    try {
      seen = read(grant, account, production, development, status);
    } catch (AwsProblem problem) {
      metrics.driftCheck("failed");
      checked.setResult(CHECK_FAILED);
      String message = "the live configuration could not be read: " + problem.getMessage();
      status.drift(checked, "Unknown", Reason.DriftCheckFailed, message);
      return new Observation(Optional.of(retry()), Optional.empty(), message);
    }
    DeclaredDocuments spec = seen.declared();
    List<Finding> findings = spec.compare(seen.live(), partition);
    findings.forEach(f -> metrics.driftFinding(kind(f.kind())));
    metrics.driftCheck(findings.isEmpty() ? "none" : "drifted");
    if (findings.isEmpty()) {
      checked.setResult(NO_DRIFT);
      status.drift(
          checked,
          "False",
          Reason.NoDrift,
          "role "
              + spec.roleName()
              + " and bucket "
              + spec.bucketName()
              + " hold what the spec"
              + " would deploy");
    } else {
      checked.setResult(DRIFTED);
      checked.setFindings(findings.stream().map(GrantDrift::finding).toList());
      status.drift(
          checked,
          "True",
          Reason.DriftDetected,
          describe(findings) + " (managementPolicy Observe: nothing is changed in AWS)");
    }
    return new Observation(periodic(), Optional.of(findings.isEmpty()), summary(checked));
  }

  /**
   * What an observation came to.
   *
   * @param next when to look again; empty when checks run only on request
   * @param matches whether AWS holds what the spec would deploy; empty when not known
   * @param message the finding in words
   */
  record Observation(Optional<Duration> next, Optional<Boolean> matches, String message) {}

  private static Optional<Boolean> matched(DriftStatus last) {
    if (last == null || CHECK_FAILED.equals(last.getResult())) {
      return Optional.empty();
    }
    return Optional.of(NO_DRIFT.equals(last.getResult()));
  }

  private static String summary(DriftStatus drift) {
    if (NO_DRIFT.equals(drift.getResult())) {
      return "AWS holds what the spec would deploy (checked " + drift.getCheckedAt() + ")";
    }
    if (CHECK_FAILED.equals(drift.getResult())) {
      return "AWS could not be read (checked " + drift.getCheckedAt() + "); see Drifted";
    }
    return drift.getFindings().size()
        + " resource(s) differ from what the spec would deploy (checked "
        + drift.getCheckedAt()
        + "); see Drifted and status.drift.findings";
  }

  private String keyArn(Grant.Account account, String keyId) {
    return "arn:"
        + partition
        + ":kms:"
        + account.region()
        + ":"
        + account.accountId()
        + ":key/"
        + keyId;
  }

  /**
   * The configuration a proof of access covers: a repair changes what AWS holds without changing
   * either stack, so it makes a new proof due.
   */
  static String verifiedConfiguration(String stacksHash, GrantStatusBuilder status) {
    DriftStatus drift = status.drift();
    return drift == null || drift.getLastRepairAt() == null
        ? stacksHash
        : stacksHash + "+repair@" + drift.getLastRepairAt();
  }

  /** The production documents the two requests deploy, as the drift check compares them. */
  DeclaredDocuments declared(
      Grant grant, String keyArn, StackRequest production, StackRequest development) {
    RenderedTemplate prod =
        RenderedGrant.production(
            grant,
            partition,
            keyArn == null || keyArn.isEmpty()
                ? RenderedGrant.createdKeyArn(
                    partition, grant.production().region(), grant.production().accountId())
                : keyArn,
            CloudFormationYaml.decode(production.template().body()),
            production.parameters());
    RenderedTemplate dev =
        RenderedGrant.development(
            grant,
            partition,
            CloudFormationYaml.decode(development.template().body()),
            development.parameters());
    return DeclaredDocuments.of(RenderedGrant.policies(prod, dev), prod);
  }

  /** What AWS holds, and what the stack declares rendered with the key AWS holds. */
  private record Seen(ProductionPolicies.Live live, DeclaredDocuments declared) {}

  /**
   * Reads what the spec's production side names. The key is the one the stack's KmsKeyArn output
   * names; where status holds none (a stack made by hand, or an update whose outputs were not read
   * back), the one the bucket's default encryption names, and the declared documents that name the
   * key (the role's key use) are rendered with it.
   */
  private Seen read(
      Grant grant,
      Grant.Account account,
      StackRequest production,
      StackRequest development,
      GrantStatusBuilder status) {
    String stackKey = status.productionStack().getKmsKeyArn();
    if (stackKey != null && stackKey.isEmpty()) {
      stackKey = null;
    }
    DeclaredDocuments shape = declared(grant, stackKey, production, development);
    ProductionPolicies.Live live =
        aws.read(
            account,
            new ProductionPolicies.Target(
                shape.roleName(),
                shape.bucketName(),
                shape.bucketPolicy().isPresent(),
                shape.encryption().isPresent(),
                shape.keyPolicy().isPresent() ? Optional.ofNullable(stackKey) : Optional.empty(),
                shape.keyPolicy().isPresent()));
    if (stackKey != null) {
      return new Seen(live, shape);
    }
    Optional<String> bucketKey =
        live.encryption()
            .flatMap(ProductionPolicies.Encryption::keyId)
            .map(id -> id.startsWith("arn:") ? id : keyArn(account, id));
    return new Seen(
        live,
        bucketKey.isEmpty() ? shape : declared(grant, bucketKey.get(), production, development));
  }

  /**
   * Puts each finding back, after proving the resource is the stack's own: the role and key as
   * CloudFormation lists the stack's resources (one DescribeStackResources), a bucket it created by
   * its uid tag too. Stops at the first failure.
   */
  private void repair(
      Grant grant,
      Grant.Account account,
      DeclaredDocuments declared,
      List<Finding> findings,
      GrantStatusBuilder status) {
    if (findings.isEmpty()) {
      return;
    }
    Map<String, String> own = stacks.resources(account, status.productionStack().getStackId());
    String role = declared.roleName();
    if (!role.equals(own.get("Role"))) {
      throw refused("role " + role + " is not the production stack's own role");
    }
    boolean bucketProven = false;
    for (Finding f : findings) {
      // Proven before its first write, once however many of its settings are put back.
      if (BUCKET_SETTINGS.contains(f.kind()) && !bucketProven) {
        provenBucket(grant, account, declared, own, status);
        bucketProven = true;
      }
      switch (f.kind()) {
        case TRUST -> aws.putTrust(account, role, json(declared.trust()));
        case MAX_SESSION -> aws.putMaxSessionDuration(account, role, declared.maxSessionSeconds());
        case PERMISSIONS_BOUNDARY ->
            aws.putPermissionsBoundary(account, role, declared.permissionsBoundary());
        case ROLE_POLICY ->
            aws.putRolePolicy(
                account, role, f.subject(), json(declared.rolePolicies().get(f.subject())));
        case EXTRA_ROLE_POLICY -> aws.deleteRolePolicy(account, role, f.subject());
        case ATTACHED_POLICY -> aws.detachRolePolicy(account, role, f.subject());
        case BUCKET_POLICY ->
            aws.putBucketPolicy(
                account, declared.bucketName(), json(declared.bucketPolicy().orElseThrow()));
        case ENCRYPTION ->
            aws.putBucketEncryption(
                account, declared.bucketName(), declared.encryption().orElseThrow());
        case PUBLIC_ACCESS ->
            aws.putPublicAccessBlock(
                account, declared.bucketName(), declared.publicAccess().orElseThrow());
        case KEY_POLICY -> {
          String keyId = provenKey(grant, account, own, status);
          aws.putKeyPolicy(account, keyId, json(declared.keyPolicy().orElseThrow()));
        }
        case ROLE_GONE, BUCKET_GONE -> {
          // not repairable: reported
        }
      }
    }
  }

  /** The findings whose repair writes the bucket. */
  private static final java.util.Set<Kind> BUCKET_SETTINGS =
      java.util.EnumSet.of(Kind.BUCKET_POLICY, Kind.ENCRYPTION, Kind.PUBLIC_ACCESS);

  /**
   * A bucket the stack created carries the grant's uid; an existing bucket's policy is the stack's
   * to manage only as its BucketPolicy output says.
   */
  private void provenBucket(
      Grant grant,
      Grant.Account account,
      DeclaredDocuments declared,
      Map<String, String> own,
      GrantStatusBuilder status) {
    String bucket = declared.bucketName();
    if (bucket.equals(own.get("Bucket"))) {
      Optional<String> uid = storage.bucketUid(account, bucket);
      if (uid.filter(u -> u.equals(grant.uid()) || grant.adoptUid().equals(uid)).isEmpty()) {
        throw refused(
            "bucket "
                + bucket
                + " does not carry this grant's "
                + ProductionStorage.UID_TAG
                + " tag ("
                + uid.orElse("none")
                + ")");
      }
      return;
    }
    if (!"Managed".equals(status.productionStack().getBucketPolicy())) {
      throw refused("the production stack does not manage the policy of bucket " + bucket);
    }
  }

  /**
   * The key the stack itself created (its resource list), tagged with the grant's uid first when it
   * carries none (CloudFormation propagates the stack's tags on AWS; emulators do not).
   */
  private String provenKey(
      Grant grant, Grant.Account account, Map<String, String> own, GrantStatusBuilder status) {
    String keyId = own.get("Key");
    String keyArn = status.productionStack().getKmsKeyArn();
    if (keyId == null) {
      throw refused("the production stack lists no key of its own");
    }
    if (keyArn != null && !keyArn.isEmpty() && !keyArn.endsWith(":key/" + keyId)) {
      throw refused("key " + keyArn + " is not the one the production stack created");
    }
    Optional<Optional<String>> uid = storage.keyUid(account, keyId);
    if (uid.isPresent() && uid.get().isEmpty()) {
      storage.markKey(account, keyId, grant.uid());
    } else if (uid.isPresent()
        && !uid.get().get().equals(grant.uid())
        && !grant.adoptUid().equals(uid.get())) {
      throw refused("key " + keyId + " carries another grant's uid");
    }
    return keyId;
  }

  private static AwsProblem refused(String why) {
    return new AwsProblem(
        AwsProblem.Kind.TERMINAL,
        Reason.DriftRepairFailed,
        why + ", so xaccess does not change it",
        null);
  }

  /**
   * Whether a check runs now, and if so the status it starts ({@code checkedAt}, the request it
   * answers); if not, how long until it is due.
   */
  private record Schedule(boolean now, Optional<Duration> until, DriftStatus check) {}

  /** A check is due at {@code due}, or at once when the annotation has a value not yet answered. */
  private Schedule schedule(CrossAccountAccess resource, DriftStatus last, Optional<Instant> due) {
    Instant now = clock.instant();
    String request = annotation(resource);
    boolean asked =
        request != null && !request.equals(last == null ? null : last.getCheckRequest());
    if (!asked && (due.isEmpty() || now.isBefore(due.get()))) {
      return new Schedule(false, due.map(d -> Duration.between(now, d)), null);
    }
    DriftStatus check = new DriftStatus();
    check.setCheckedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
    check.setCheckRequest(request);
    return new Schedule(true, Optional.empty(), check);
  }

  /** When the next check is due; empty when checks run only on request. */
  private Optional<Instant> due(DriftStatus last, GrantStatusBuilder status, Instant now) {
    Duration interval = settings.interval();
    if (last != null
        && last.getCheckedAt() != null
        && (CHECK_FAILED.equals(last.getResult()) || REPAIR_FAILED.equals(last.getResult()))) {
      return Optional.of(Instant.parse(last.getCheckedAt()).plus(retry()));
    }
    if (interval.isZero()) {
      return Optional.empty();
    }
    Instant since =
        last != null && last.getCheckedAt() != null
            ? Instant.parse(last.getCheckedAt())
            : status.productionReadySince().orElse(now);
    return Optional.of(since.plus(interval));
  }

  private Duration retry() {
    Duration interval = settings.interval();
    return interval.isZero() || settings.retryDelay().compareTo(interval) < 0
        ? settings.retryDelay()
        : interval;
  }

  private Optional<Duration> periodic() {
    return settings.interval().isZero() ? Optional.empty() : Optional.of(settings.interval());
  }

  private static DriftPolicy policy(CrossAccountAccess resource) {
    DriftPolicy policy = resource.getSpec().getDriftPolicy();
    return policy == null ? DriftPolicy.Repair : policy;
  }

  private static String annotation(CrossAccountAccess resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(CrossAccountAccess.CHECK_DRIFT_ANNOTATION);
  }

  private static String describe(List<Finding> findings) {
    return String.join("; ", findings.stream().map(Finding::message).toList());
  }

  private static DriftFinding finding(Finding f) {
    return new DriftFinding(f.resource(), f.changes());
  }

  /** What a check compared, in words: "the production role, bucket policy and key policy". */
  static String compared(DeclaredDocuments declared) {
    List<String> parts = new java.util.ArrayList<>();
    parts.add("the production role");
    if (declared.bucketPolicy().isPresent()) {
      parts.add("bucket policy");
    }
    if (declared.keyPolicy().isPresent()) {
      parts.add("key policy");
    }
    if (declared.encryption().isPresent()) {
      parts.add("bucket encryption and public access block");
    }
    return parts.size() == 1
        ? parts.get(0)
        : String.join(", ", parts.subList(0, parts.size() - 1))
            + " and "
            + parts.get(parts.size() - 1);
  }

  /** The metric label of a kind: trust, role-policy, bucket-policy... */
  private static String kind(Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String json(JsonNode document) {
    try {
      return JSON.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
