package io.xaccess.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.ProductionStorage;
import io.xaccess.cloudformation.StackGuard;
import io.xaccess.cloudformation.StackOwner;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Grant;
import io.xaccess.grant.Side;
import io.xaccess.render.CloudFormationYaml;
import io.xaccess.render.RenderedTemplate;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The bucket, key and bucket policy a grant may touch outside its stack, and the proof it owns them
 * first: a bucket or key is removed only if it is the physical resource this grant's own stack
 * created (CloudFormation's resource list, never the spec or status outputs) and it carries the
 * grant's uid; an existing bucket's policy is managed only if it has none to replace.
 */
@ApplicationScoped
public class OwnedResources implements StackGuard {

  private static final Logger LOG = Logger.getLogger(OwnedResources.class);

  /** Logical ids in the production template. */
  static final String BUCKET = "Bucket";

  static final String KEY = "Key";

  private final ProductionStorage storage;
  private final XaccessConfig config;

  public OwnedResources(ProductionStorage storage, XaccessConfig config) {
    this.storage = storage;
    this.config = config;
  }

  /**
   * An existing bucket gets a bucket policy from xaccess only if it has none: xaccess never
   * replaces a policy it did not write, and so at most one grant manages a bucket's policy.
   */
  @Override
  public Optional<Refusal> beforeCreate(Side side, Grant.Account account, StackRequest request) {
    Map<String, String> p = request.parameters();
    if (side != Side.PRODUCTION
        || !"false".equals(p.get("CreateBucket"))
        || !"true".equals(p.get("ManageBucketPolicy"))) {
      return Optional.empty();
    }
    String bucket = p.get("BucketName");
    if (!storage.bucketExists(account, bucket) || !storage.hasBucketPolicy(account, bucket)) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            Reason.ForeignBucketPolicy,
            "bucket "
                + bucket
                + " already has a bucket policy, which xaccess did not write and never replaces"
                + " (another grant's, or the account's own). Either grant through the role's own"
                + " policy (a new CrossAccountAccess with bucket.managePolicy: false) and add the"
                + " statements you need to that policy yourself, or remove the bucket policy"));
  }

  /** Resource types whose replacement or deletion loses data or breaks trust: kept by adoption. */
  private static final java.util.Set<String> KEPT_BY_ADOPTION =
      java.util.Set.of("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::IAM::Role");

  /**
   * A stack made by hand is taken over only if the operator's template keeps each of its roles,
   * buckets and keys: the same logical id, of the same type, present for this grant's parameters.
   * Anything else would make CloudFormation create a second one under the same name (and fail) or
   * remove the one there is; the runbook's other resources (its policies) are replaced by the
   * template's.
   */
  @Override
  public Optional<Refusal> beforeAdopt(
      Side side, Grant.Account account, StackRequest request, String deployedTemplate) {
    JsonNode deployed;
    try {
      deployed = CloudFormationYaml.decode(deployedTemplate);
    } catch (RuntimeException unreadable) {
      return Optional.of(
          new Refusal(
              Reason.AdoptionRefused,
              "the template of stack "
                  + request.stackName()
                  + " cannot be read ("
                  + unreadable.getMessage()
                  + "), so xaccess cannot tell what an update would replace"));
    }
    RenderedTemplate desired =
        new RenderedTemplate(
            CloudFormationYaml.decode(request.template().body()),
            account.accountId(),
            account.region(),
            config.aws().partition(),
            request.parameters(),
            Map.of());
    List<String> lost = new ArrayList<>();
    deployed
        .path("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              String type = e.getValue().path("Type").asText();
              if (!KEPT_BY_ADOPTION.contains(type)) {
                return;
              }
              JsonNode mine = desired.template().path("Resources").path(e.getKey());
              if (!type.equals(mine.path("Type").asText()) || !desired.exists(e.getKey())) {
                lost.add(type + " " + e.getKey());
              }
            });
    if (lost.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            Reason.AdoptionRefused,
            "stack "
                + request.stackName()
                + " is not taken over: updating it with xaccess's "
                + side.label()
                + " template would delete or replace its "
                + String.join(", ", lost)
                + " (xaccess's template names its role Role, its bucket Bucket and its key Key,"
                + " for this spec). Keep observing it (managementPolicy Observe), or move those"
                + " resources to those logical ids first"));
  }

  @Override
  public void failedCreate(
      Side side, Grant.Account account, StackOwner owner, Map<String, String> resources) {
    if (side != Side.PRODUCTION) {
      return;
    }
    mark(account, owner.uid(), resources);
    Removal removal = remove(account, uids(owner), resources.get(BUCKET), resources.get(KEY));
    if (!removal.done().isEmpty() || !removal.kept().isEmpty()) {
      LOG.infof(
          "%s/%s: after the failed create: %s%s",
          owner.namespace(),
          owner.name(),
          String.join("; ", removal.done()),
          removal.kept().isEmpty() ? "" : "; " + String.join("; ", removal.kept()));
    }
  }

  /**
   * Tags the key the grant's own stack lists among its resources with the grant's uid, unless it
   * carries a uid already (CloudFormation propagates the stack's tags on AWS; emulators do not).
   * Only ever given the stack's own resource list, so the mark a later removal checks is never
   * taken from status.
   */
  void mark(Grant.Account account, String uid, Map<String, String> resources) {
    String keyId = resources.get(KEY);
    if (keyId != null && storage.keyUid(account, keyId).filter(Optional::isEmpty).isPresent()) {
      storage.markKey(account, keyId, uid);
    }
  }

  /**
   * Removes the bucket the stack created if it is empty and carries the grant's uid, then — once
   * the bucket is gone — the key the stack created if it carries the grant's uid. Safe to repeat:
   * what is already gone (or pending deletion) is skipped, so a failed step is simply retried.
   *
   * @param uids the grant's uid, and the uid of the grant it adopted the stacks of, if any
   * @param bucket the physical id of the stack's bucket, or null
   * @param keyId the physical id (key id) of the stack's key, or null
   */
  Removal remove(Grant.Account account, java.util.Set<String> uids, String bucket, String keyId) {
    List<String> done = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    Reason keptReason = null;
    if (bucket != null && storage.bucketExists(account, bucket)) {
      Optional<String> tagged = storage.bucketUid(account, bucket);
      if (tagged.filter(uids::contains).isEmpty()) {
        kept.add(
            "bucket "
                + bucket
                + " was kept with its key: it does not carry this grant's uid ("
                + tagged
                    .map(t -> "its xaccess.io/uid is " + t)
                    .orElse("it has no xaccess.io/uid tag")
                + "), so it is not provably this grant's");
        return new Removal(done, kept, Reason.NotOwned);
      }
      if (!storage.bucketEmpty(account, bucket)) {
        kept.add(
            "bucket "
                + bucket
                + " holds objects, so it was kept with its KMS key: xaccess never deletes objects;"
                + " delete the bucket yourself once it is no longer needed");
        return new Removal(done, kept, Reason.BucketRetained);
      }
      storage.deleteBucket(account, bucket);
      done.add("the empty bucket " + bucket + " was deleted");
    }
    if (keyId != null) {
      Optional<Optional<String>> tagged = storage.keyUid(account, keyId);
      if (tagged.isPresent()) {
        if (tagged.get().filter(uids::contains).isPresent()) {
          storage.retireKey(account, keyId, bucket == null ? null : "alias/xaccess/" + bucket);
          done.add("its KMS key " + keyId + " is scheduled for deletion in 7 days");
        } else {
          kept.add("KMS key " + keyId + " was kept: it does not carry this grant's uid");
          keptReason = Reason.NotOwned;
        }
      }
    }
    return new Removal(done, kept, keptReason);
  }

  /** The uids whose mark proves a bucket or key is the grant's: its own and an adopted one. */
  static java.util.Set<String> uids(StackOwner owner) {
    java.util.Set<String> uids = new java.util.LinkedHashSet<>();
    uids.add(owner.uid());
    owner.adoptUid().ifPresent(uids::add);
    return uids;
  }

  /**
   * After the stack that managed the bucket's policy is gone, the bucket keeps at least a TLS-only
   * policy, unless it has a policy again (put there by someone else) or is gone.
   *
   * @return whether the TLS-only policy was put
   */
  boolean keepTlsOnly(Grant.Account account, String bucket) {
    if (!storage.bucketExists(account, bucket) || storage.hasBucketPolicy(account, bucket)) {
      return false;
    }
    storage.putTlsOnlyPolicy(account, bucket, config.aws().partition());
    return true;
  }

  /**
   * What a removal did and what it kept.
   *
   * @param keptReason why something was kept (for the Event), or null
   */
  record Removal(List<String> done, List<String> kept, Reason keptReason) {}
}
