package io.xaccess.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.ProductionStackStatus;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsCallCounter;
import io.xaccess.aws.AwsClients;
import io.xaccess.aws.ProductionPolicies;
import io.xaccess.aws.ProductionStorage;
import io.xaccess.cloudformation.ChangeSetState;
import io.xaccess.cloudformation.StackRollout;
import io.xaccess.drift.DeclaredDocuments;
import io.xaccess.grant.AccessState;
import io.xaccess.grant.Grant;
import io.xaccess.grant.GrantProblem;
import io.xaccess.grant.GrantResolver;
import io.xaccess.metrics.GrantMetrics;
import io.xaccess.tenancy.Tenancy;
import io.xaccess.tenancy.Verdict;
import io.xaccess.testing.FakeCloudFormation;
import io.xaccess.testing.GrantYaml;
import io.xaccess.testing.TestClock;
import io.xaccess.testing.TestSettings;
import io.xaccess.verification.AccessVerifier;
import io.xaccess.verification.VerificationOutcome;
import io.xaccess.verification.VerificationSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real reconciler, teardown, verification schedule, status writer and rollout, wired to
 * in-memory AWS and Kubernetes stand-ins and a clock the test moves: every branch of the reconcile
 * logic in milliseconds.
 */
final class ReconcilerFixture {

  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  final TestSettings settings = new TestSettings();
  final TestClock clock = new TestClock(T0);
  final FakeCloudFormation cfn = new FakeCloudFormation();
  final FakeVerifier verifier = new FakeVerifier();
  final FakeStorage storage = new FakeStorage();
  final RecordingEvents events = new RecordingEvents();
  final FakePolicies policies = new FakePolicies();
  final List<CrossAccountAccess> deletionPatches = new ArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  GrantProblem resolveProblem;
  final CrossAccountAccessReconciler reconciler;
  final StackWatch watch;
  final StartGate gate;
  final GrantDrift drift;
  private final GrantResolver resolver;
  private final AwsClients identities;

  /** What tenancy decides for every grant (default: permitted by a policy named "test"). */
  Verdict verdict = Verdict.permittedBy("test", Optional.empty(), Optional.empty());

  ReconcilerFixture() {
    this(50);
  }

  /** With a start gate of {@code maxActiveGrants} places. */
  ReconcilerFixture(int maxActiveGrants) {
    settings.maxActiveGrants = maxActiveGrants;
    GrantMetrics metrics = new GrantMetrics(registry);
    resolver =
        new GrantResolver(null, settings) {
          @Override
          public Grant resolve(
              CrossAccountAccess resource,
              Optional<String> productionDeployer,
              Optional<String> developmentDeployer)
              throws GrantProblem {
            if (resolveProblem != null) {
              throw resolveProblem;
            }
            return super.resolve(resource, productionDeployer, developmentDeployer);
          }
        };
    OwnedResources owned = new OwnedResources(storage, settings);
    StackRollout rollout = new StackRollout(cfn, owned, metrics, settings, clock);
    StatusWriter writer = new StatusWriter(events, metrics, clock, deletionPatches::add);
    Retries retries = new Retries(settings, events, clock);
    gate = new StartGate(settings.maxActiveGrants, clock);
    watch = new StackWatch(cfn, settings, clock, gate);
    identities = new AwsClients(settings, new AwsCallCounter(registry));
    drift = new GrantDrift(policies, storage, cfn, metrics, settings, clock);
    VerificationSchedule verification =
        new VerificationSchedule(verifier, metrics, settings, clock);
    StalledClosure closure =
        new StalledClosure(
            resolver,
            new AwsClients(settings, new AwsCallCounter(registry)),
            rollout,
            settings,
            watch,
            clock);
    reconciler =
        new CrossAccountAccessReconciler(
            resolver,
            new AwsClients(settings, new AwsCallCounter(registry)),
            rollout,
            verification,
            new GrantTeardown(resolver, rollout, owned, events, retries, settings, watch),
            writer,
            retries,
            settings,
            new Tenancy(null) {
              @Override
              public Verdict decide(CrossAccountAccess grant) {
                return verdict;
              }
            },
            closure,
            new ManualApproval(rollout, cfn, closure, settings, clock),
            watch,
            drift,
            new GrantObservation(cfn, drift, verification, settings),
            gate,
            clock);
  }

  /**
   * The production documents a Ready grant's stacks declare, rendered as the drift check renders
   * them (its requests, its created key).
   */
  DeclaredDocuments declared(CrossAccountAccess resource) {
    try {
      Grant grant = resolver.resolve(resource, Optional.empty(), Optional.empty());
      StackRequests requests = new StackRequests(identities, settings);
      ProductionStackStatus production =
          resource.getStatus() == null || resource.getStatus().getProduction() == null
              ? new ProductionStackStatus()
              : resource.getStatus().getProduction();
      return drift.declared(
          grant,
          production.getKmsKeyArn(),
          requests.production(grant, AccessState.OPEN),
          requests.development(
              grant,
              AccessState.OPEN,
              production.getRoleArn() != null
                  ? production.getRoleArn()
                  : io.xaccess.cloudformation.GrantStacks.productionRoleArn(grant, "aws")));
    } catch (GrantProblem e) {
      throw new AssertionError(e);
    }
  }

  /** A grant between the test accounts, as the API server would hand it to the operator. */
  static CrossAccountAccess grant(GrantYaml yaml) {
    CrossAccountAccess resource = yaml.resource();
    resource.getMetadata().setUid("uid-" + resource.getMetadata().getName());
    resource.getMetadata().setGeneration(1L);
    resource.getMetadata().setCreationTimestamp(T0.toString());
    return resource;
  }

  static CrossAccountAccess grant(String name) {
    return grant(GrantYaml.of("team", name));
  }

  UpdateControl<CrossAccountAccess> reconcile(CrossAccountAccess resource) {
    return reconciler.reconcile(resource, null);
  }

  DeleteControl cleanup(CrossAccountAccess resource) {
    return reconciler.cleanup(resource, null);
  }

  /**
   * Reconciles once through the change-set handshake: a change set created in this reconcile is
   * ready at the next look (one executed is gone), and every stack operation finishes.
   */
  UpdateControl<CrossAccountAccess> reconcileRound(CrossAccountAccess resource) {
    int before = cfn.calls.size();
    UpdateControl<CrossAccountAccess> control = reconcile(resource);
    cfn.changeSet =
        ChangeSetState.of(
            cfn.calls.subList(before, cfn.calls.size()).contains("createChangeSet")
                ? ChangeSetState.Kind.READY
                : ChangeSetState.Kind.ABSENT);
    cfn.completeAll();
    return control;
  }

  /** {@link #reconcileRound} {@code rounds} times; the last answer. */
  UpdateControl<CrossAccountAccess> reconcileRounds(CrossAccountAccess resource, int rounds) {
    UpdateControl<CrossAccountAccess> last = null;
    for (int round = 0; round < rounds; round++) {
      last = reconcileRound(resource);
    }
    return last;
  }

  /** Reconciles, letting each stack operation finish, until Ready; returns the reconcile count. */
  int reconcileToReady(CrossAccountAccess resource) {
    for (int round = 1; round <= 10; round++) {
      reconcile(resource);
      if ("True".equals(condition(resource, ConditionType.Ready).getStatus())) {
        return round;
      }
      cfn.completeAll();
    }
    throw new AssertionError("not Ready after 10 reconciles: " + resource.getStatus());
  }

  static Condition condition(CrossAccountAccess resource, ConditionType type) {
    return resource.getStatus().getConditions().stream()
        .filter(c -> type.name().equals(c.getType()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  static Duration delay(io.javaoperatorsdk.operator.api.reconciler.BaseControl<?> control) {
    return Duration.ofMillis(control.getScheduleDelay().orElseThrow());
  }

  /** Proofs of access in order; once the queue is empty, every proof succeeds. */
  static final class FakeVerifier implements AccessVerifier {
    final Deque<VerificationOutcome> outcomes = new ArrayDeque<>();
    final List<String> calls = new ArrayList<>();

    void failNext(int times, String message) {
      for (int i = 0; i < times; i++) {
        outcomes.add(new VerificationOutcome(false, "k", 5, Reason.AccessDenied, message));
      }
    }

    @Override
    public VerificationOutcome verify(
        Grant grant, String productionRoleArn, String verifierRoleArn) {
      calls.add(productionRoleArn + " via " + verifierRoleArn);
      VerificationOutcome next = outcomes.poll();
      return next != null
          ? next
          : new VerificationOutcome(true, "k", 5, Reason.UploadSucceeded, "verified");
    }
  }

  /** Buckets by name with their object counts; keys retired; every call recorded. */
  static final class FakeStorage implements ProductionStorage {
    /** Buckets by name, with how many objects they hold. */
    final Map<String, Integer> buckets = new LinkedHashMap<>();

    /** The xaccess.io/uid tag of each bucket that has one. */
    final Map<String, String> bucketUids = new LinkedHashMap<>();

    final java.util.Set<String> policies = new java.util.LinkedHashSet<>();

    /** Keys by id, with their uid tag if any; pending deletion once retired. */
    final Map<String, Optional<String>> keys = new LinkedHashMap<>();

    final java.util.Set<String> pendingDeletion = new java.util.LinkedHashSet<>();
    final List<String> retiredKeys = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    RuntimeException failing;

    /** A bucket a grant's stack created: tagged with its uid. */
    void ownedBucket(String bucket, int objects, String uid) {
      buckets.put(bucket, objects);
      bucketUids.put(bucket, uid);
    }

    /** A key with the grant's uid tag (as CloudFormation's propagated stack tags give it). */
    void ownedKey(String keyId, String uid) {
      keys.put(keyId, Optional.of(uid));
    }

    @Override
    public boolean bucketExists(Grant.Account production, String bucket) {
      call("exists " + bucket);
      return buckets.containsKey(bucket);
    }

    @Override
    public boolean bucketEmpty(Grant.Account production, String bucket) {
      call("empty " + bucket);
      return buckets.get(bucket) == 0;
    }

    @Override
    public Optional<String> bucketUid(Grant.Account production, String bucket) {
      call("uid " + bucket);
      return Optional.ofNullable(bucketUids.get(bucket));
    }

    @Override
    public void deleteBucket(Grant.Account production, String bucket) {
      call("delete " + bucket);
      buckets.remove(bucket);
    }

    @Override
    public boolean hasBucketPolicy(Grant.Account production, String bucket) {
      call("policy? " + bucket);
      return policies.contains(bucket);
    }

    @Override
    public void putTlsOnlyPolicy(Grant.Account production, String bucket, String partition) {
      call("tls-only " + bucket);
      policies.add(bucket);
    }

    @Override
    public Optional<Optional<String>> keyUid(Grant.Account production, String keyId) {
      call("key " + keyId);
      return Optional.ofNullable(keys.get(keyId));
    }

    @Override
    public void markKey(Grant.Account production, String keyId, String uid) {
      call("mark " + keyId);
      keys.put(keyId, Optional.of(uid));
    }

    @Override
    public void retireKey(Grant.Account production, String keyId, String aliasName) {
      call("retire " + keyId);
      if (pendingDeletion.add(keyId)) {
        retiredKeys.add(keyId + " " + aliasName);
      }
    }

    private void call(String what) {
      calls.add(what);
      if (failing != null) {
        throw failing;
      }
    }
  }

  /** Events as {@code type reason: message}. */
  static final class RecordingEvents extends GrantEvents {
    final List<String> recorded = new ArrayList<>();

    RecordingEvents() {
      super(null);
    }

    @Override
    protected void emit(CrossAccountAccess resource, String type, String reason, String message) {
      recorded.add(type + " " + reason + ": " + message);
    }

    List<String> reasons() {
      return recorded.stream().map(e -> e.substring(0, e.indexOf(':'))).toList();
    }
  }

  /**
   * The production role, bucket and key as AWS would hold them, in memory: {@link #deployed} puts
   * the declared documents there in the form IAM and S3 hand them back; tests edit them as someone
   * at the console would; every read and write is recorded.
   */
  static final class FakePolicies implements ProductionPolicies {
    boolean roleExists = true;
    boolean bucketExists = true;
    String trust = "";
    String boundary = "";
    long maxSession = 3600;
    final Map<String, String> inline = new LinkedHashMap<>();
    final List<String> attached = new ArrayList<>();
    Optional<String> bucketPolicy = Optional.empty();
    Optional<Encryption> encryption = Optional.empty();
    Optional<PublicAccess> publicAccess = Optional.empty();
    Optional<String> keyPolicy = Optional.empty();
    final List<Target> reads = new ArrayList<>();
    final List<String> writes = new ArrayList<>();
    RuntimeException failing;
    RuntimeException failingWrites;

    /** AWS holding exactly what {@code declared} says, URL-encoded where IAM encodes. */
    void deployed(DeclaredDocuments declared) {
      trust = iamForm(declared.trust());
      boundary = declared.permissionsBoundary();
      maxSession = declared.maxSessionSeconds();
      inline.clear();
      declared.rolePolicies().forEach((name, doc) -> inline.put(name, iamForm(doc)));
      attached.clear();
      bucketPolicy = declared.bucketPolicy().map(JsonNode::toString);
      keyPolicy = declared.keyPolicy().map(JsonNode::toString);
      encryption = declared.encryption();
      publicAccess = declared.publicAccess();
    }

    private static String iamForm(JsonNode document) {
      return java.net.URLEncoder.encode(
          document.toString(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public Live read(Grant.Account production, Target target) {
      reads.add(target);
      if (failing != null) {
        throw failing;
      }
      return new Live(
          roleExists,
          trust,
          boundary,
          maxSession,
          Map.copyOf(inline),
          List.copyOf(attached),
          bucketExists,
          target.bucketPolicy() ? bucketPolicy : Optional.empty(),
          target.bucketSettings() ? encryption : Optional.empty(),
          target.bucketSettings() ? publicAccess : Optional.empty(),
          target.keyId().isPresent()
                  || (target.keyOfBucket() && encryption.flatMap(Encryption::keyId).isPresent())
              ? keyPolicy
              : Optional.empty());
    }

    private void write(String what) {
      writes.add(what);
      if (failingWrites != null) {
        throw failingWrites;
      }
    }

    @Override
    public void putTrust(Grant.Account production, String roleName, String document) {
      write("putTrust " + roleName);
      trust = document;
    }

    @Override
    public void putMaxSessionDuration(Grant.Account production, String roleName, long seconds) {
      write("putMaxSessionDuration " + roleName + " " + seconds);
      maxSession = seconds;
    }

    @Override
    public void putPermissionsBoundary(
        Grant.Account production, String roleName, String policyArn) {
      write("putPermissionsBoundary " + roleName);
      boundary = policyArn;
    }

    @Override
    public void putRolePolicy(
        Grant.Account production, String roleName, String name, String document) {
      write("putRolePolicy " + name);
      inline.put(name, document);
    }

    @Override
    public void deleteRolePolicy(Grant.Account production, String roleName, String name) {
      write("deleteRolePolicy " + name);
      inline.remove(name);
    }

    @Override
    public void detachRolePolicy(Grant.Account production, String roleName, String policyArn) {
      write("detachRolePolicy " + policyArn);
      attached.remove(policyArn);
    }

    @Override
    public void putBucketPolicy(Grant.Account production, String bucket, String document) {
      write("putBucketPolicy " + bucket);
      bucketPolicy = Optional.of(document);
    }

    @Override
    public void putBucketEncryption(Grant.Account production, String bucket, Encryption wanted) {
      write("putBucketEncryption " + bucket);
      encryption = Optional.of(wanted);
    }

    @Override
    public void putPublicAccessBlock(
        Grant.Account production, String bucket, PublicAccess settings) {
      write("putPublicAccessBlock " + bucket);
      publicAccess = Optional.of(settings);
    }

    @Override
    public void putKeyPolicy(Grant.Account production, String keyId, String document) {
      write("putKeyPolicy " + keyId);
      keyPolicy = Optional.of(document);
    }
  }
}
