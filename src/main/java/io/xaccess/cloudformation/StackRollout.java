package io.xaccess.cloudformation;

import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.config.XaccessConfig;
import io.xaccess.grant.Grant;
import io.xaccess.grant.Side;
import io.xaccess.metrics.GrantMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Moves one stack one step towards the desired configuration, or towards deletion, without ever
 * waiting: each call makes a few short CloudFormation calls and says where the stack stands, and
 * the caller looks again later. Creates use an idempotency token; updates go through a
 * deterministically named change set; {@code ROLLBACK_COMPLETE} is deleted so it can be recreated;
 * {@code UPDATE_ROLLBACK_FAILED} gets {@code ContinueUpdateRollback}; a configuration that failed
 * is not retried until it changes. A stack is changed or deleted only when its {@code
 * xaccess.io/uid} tag proves it is the grant's own ({@link StackOwner}); a stack of someone else's
 * under the grant's name is a conflict, never an update. A request for a deployed stack only
 * ({@link StackRequest#deployedOnly()}) never creates one.
 */
@ApplicationScoped
public class StackRollout {

  /** A stack in one of these holds nothing of a configuration: a failed or unfinished create. */
  private static final Set<String> NOTHING_DEPLOYED =
      Set.of("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "REVIEW_IN_PROGRESS");

  private final StackGateway gateway;
  private final StackGuard guard;
  private final GrantMetrics metrics;
  private final Duration operationTimeout;
  private final Clock clock;

  /**
   * How long a stack {@link #advance} found deployed counts as still so for {@link #recentlyReady}:
   * longer than a development stack's operation takes, much shorter than a resync.
   */
  static final Duration RECENT = Duration.ofMinutes(2);

  private final Map<String, Recent> recent = new ConcurrentHashMap<>();
  private volatile Instant lastSweep;

  public StackRollout(
      StackGateway gateway,
      StackGuard guard,
      GrantMetrics metrics,
      XaccessConfig config,
      Clock clock) {
    this.gateway = gateway;
    this.guard = guard;
    this.metrics = metrics;
    this.operationTimeout = config.stackOperationTimeout();
    this.clock = clock;
  }

  /**
   * One step towards {@code desired}.
   *
   * @param recordedName the stack's name as status last recorded it (looked at first), or null
   * @param appliedHash the configuration hash last applied (from status), or null
   * @param failedHash a configuration hash known to fail (from status), or null
   */
  public StackProgress advance(
      Side side,
      Grant.Account account,
      StackRequest request,
      String recordedName,
      String appliedHash,
      String failedHash) {
    StackProgress progress = step(side, account, request, recordedName, appliedHash, failedHash);
    String key = recentKey(account, request.owner(), progress.stackId(), recordedName, request);
    if (progress.ready()) {
      recent.put(key, new Recent(progress, clock.instant()));
      forgetOld();
    } else {
      recent.remove(key);
    }
    return progress;
  }

  /**
   * The stack as {@link #advance} found it deployed with {@code request}'s configuration no longer
   * than {@link #RECENT} ago in this process, without a call; empty otherwise. For a step that only
   * needs to know the stack is still where it was moments ago (the production stack when the grant
   * is woken because its development stack finished): the next resync reads it again, and anything
   * that changes a stack goes through {@link #advance}, which forgets what it remembered.
   */
  public Optional<StackProgress> recentlyReady(
      Grant.Account account, StackRequest request, String recordedName, String appliedHash) {
    if (recordedName == null || !request.configurationHash().equals(appliedHash)) {
      return Optional.empty();
    }
    Recent seen = recent.get(recentKey(account, request.owner(), null, recordedName, request));
    Instant now = clock.instant();
    if (seen == null
        || !seen.progress().appliedHash().equals(appliedHash)
        || now.isBefore(seen.at())
        || Duration.between(seen.at(), now).compareTo(RECENT) > 0) {
      return Optional.empty();
    }
    return Optional.of(seen.progress());
  }

  private static String recentKey(
      Grant.Account account,
      StackOwner owner,
      String stackId,
      String recordedName,
      StackRequest request) {
    String name =
        stackId != null
            ? StackNames.nameOf(stackId)
            : recordedName != null ? recordedName : request.stackName();
    return account.accountId() + "/" + account.region() + "/" + owner.uid() + "/" + name;
  }

  /** Drops what is too old to be used, at most once per {@link #RECENT}. */
  private void forgetOld() {
    Instant now = clock.instant();
    Instant last = lastSweep;
    if (last != null && Duration.between(last, now).compareTo(RECENT) < 0) {
      return;
    }
    lastSweep = now;
    recent.values().removeIf(r -> Duration.between(r.at(), now).compareTo(RECENT) > 0);
  }

  /** A stack {@link #advance} found deployed, and when. */
  private record Recent(StackProgress progress, Instant at) {}

  private StackProgress step(
      Side side,
      Grant.Account account,
      StackRequest request,
      String recordedName,
      String appliedHash,
      String failedHash) {
    String want = request.configurationHash();
    if (nothingRecorded(request, recordedName, appliedHash, failedHash)) {
      // Nothing to look up: CloudFormation's answer to the create says whether the name is free.
      Optional<StackProgress> started =
          start(side, account, request, want, appliedHash, failedHash);
      if (started.isPresent()) {
        return started.get();
      }
    }
    List<String> names = new ArrayList<>();
    names.add(request.stackName());
    names.addAll(request.formerNames());
    Located located = locate(account, request.owner(), names, recordedName);
    Optional<ObservedStack> observed = located.owned();
    if (observed.isEmpty() && located.foreignAt(request.stackName()).isPresent()) {
      return conflict(
          account, located.foreignAt(request.stackName()).get(), appliedHash, failedHash);
    }
    // A stack kept under the name it had before is updated there (CloudFormation cannot rename).
    StackRequest desired = observed.map(s -> request.named(s.stackName())).orElse(request);
    if (request.deployedOnly()
        && (observed.isEmpty() || NOTHING_DEPLOYED.contains(observed.get().status()))) {
      // Only a deployed stack is changed so; nothing is created, cleaned up or deleted here.
      return new StackProgress(
          StackProgress.State.GONE,
          null,
          observed.map(ObservedStack::status).orElse(null),
          Map.of(),
          want,
          null,
          Reason.Deleted,
          "no deployed stack of this grant to change");
    }
    if (observed.isEmpty()) {
      if (want.equals(failedHash)) {
        return new StackProgress(
            StackProgress.State.FAILED,
            null,
            null,
            Map.of(),
            null,
            failedHash,
            Reason.DeployFailed,
            "the last attempt with this configuration failed; change the spec (or the Secret) to retry");
      }
      // AlreadyExists (a stack someone made between the look and the create) is taken as a create
      // in progress here: the next look finds it and, unless its uid tag is this grant's, reports
      // the conflict.
      return start(side, account, desired, want, appliedHash, failedHash)
          .orElseGet(() -> creating(want));
    }
    ObservedStack stack = observed.get();
    String status = stack.status();
    if (desired.owner().adopting(stack)) {
      Optional<StackProgress> refused =
          adoption(side, account, stack, desired, appliedHash, failedHash);
      if (refused.isPresent()) {
        return refused.get();
      }
    }

    if ("ROLLBACK_COMPLETE".equals(status)
        || "ROLLBACK_FAILED".equals(status)
        || "CREATE_FAILED".equals(status)) {
      // A failed create cannot be updated: delete it, and recreate once the configuration changes.
      // What CloudFormation retained from it (bucket, key) goes first, or it would block that.
      String why = failure(account, stack);
      guard.failedCreate(
          side, account, desired.owner(), gateway.resources(account, stack.stackId()));
      gateway.delete(account, stack.stackId());
      metrics.stackOperation(side.label(), "create", "failed");
      return new StackProgress(
          StackProgress.State.FAILED,
          stack.stackId(),
          status,
          Map.of(),
          appliedHash,
          want,
          Reason.CreateFailed,
          why);
    }
    if ("UPDATE_ROLLBACK_FAILED".equals(status)) {
      gateway.continueUpdateRollback(account, stack.stackName());
      metrics.stackOperation(side.label(), "continue-rollback", "started");
      return progress(
          StackProgress.State.IN_PROGRESS,
          stack,
          status,
          appliedHash,
          failedHash,
          Reason.RecoveringRollback,
          "continuing a failed update rollback: " + failure(account, stack));
    }
    if ("REVIEW_IN_PROGRESS".equals(status)) {
      // Only a CREATE change set leaves this; xaccess never makes one, so nobody will finish it.
      gateway.delete(account, stack.stackId());
      return progress(
          StackProgress.State.IN_PROGRESS,
          stack,
          status,
          null,
          failedHash,
          Reason.Deleting,
          "removing an unfinished stack");
    }
    if (stack.inProgress()) {
      return stuck(stack, appliedHash, failedHash)
          .orElseGet(
              () ->
                  progress(
                      StackProgress.State.IN_PROGRESS,
                      stack,
                      status,
                      appliedHash,
                      failedHash,
                      Reason.InProgress,
                      "stack is " + status));
    }
    if ("UPDATE_ROLLBACK_COMPLETE".equals(status) && want.equals(appliedHash)) {
      return new StackProgress(
          StackProgress.State.FAILED,
          stack.stackId(),
          status,
          stack.outputs(),
          appliedHash,
          want,
          Reason.UpdateFailed,
          "the update was rolled back: " + failure(account, stack));
    }
    if (want.equals(appliedHash)) {
      return new StackProgress(
          StackProgress.State.READY,
          stack.stackId(),
          status,
          stack.outputs(),
          want,
          null,
          readyReason(status),
          "stack is " + status);
    }
    if (want.equals(failedHash)) {
      return new StackProgress(
          StackProgress.State.FAILED,
          stack.stackId(),
          status,
          stack.outputs(),
          appliedHash,
          failedHash,
          Reason.UpdateFailed,
          "the last update with this configuration failed; change the spec (or the Secret) to retry");
    }
    return update(side, account, desired, stack, appliedHash);
  }

  /**
   * What {@link #advance} would change, prepared and not carried out, for a plan that waits for
   * approval: the deployed stack's change set towards {@code request} is created (or found) but
   * never executed, and nothing is created or deleted. Executing it later is {@link #advance}'s
   * work, which finds the change set by the same deterministic name.
   */
  public Prepared prepare(
      Side side,
      Grant.Account account,
      StackRequest request,
      String recordedName,
      String appliedHash) {
    String want = request.configurationHash();
    List<String> names = new ArrayList<>();
    names.add(request.stackName());
    names.addAll(request.formerNames());
    Located located = locate(account, request.owner(), names, recordedName);
    if (located.owned().isEmpty()) {
      return located
          .foreignAt(request.stackName())
          .map(
              foreign ->
                  new Prepared(
                      Prepared.State.CONFLICT,
                      null,
                      "",
                      conflict(account, foreign, appliedHash, null).message()))
          .orElseGet(
              () ->
                  new Prepared(
                      Prepared.State.CREATED_ON_APPROVAL,
                      null,
                      "",
                      "the stack is created on approval"));
    }
    ObservedStack stack = located.owned().get();
    if (NOTHING_DEPLOYED.contains(stack.status())) {
      return new Prepared(
          Prepared.State.CREATED_ON_APPROVAL,
          stack,
          "",
          "the stack holds nothing deployed (" + stack.status() + "); it is made on approval");
    }
    if (stack.inProgress()) {
      return new Prepared(
          Prepared.State.PENDING,
          stack,
          "",
          "stack is " + stack.status() + "; the change set is made once it settles");
    }
    if (want.equals(appliedHash)) {
      return new Prepared(Prepared.State.UNCHANGED, stack, "", "no change");
    }
    StackRequest desired = request.named(stack.stackName());
    ChangeSetState changeSet =
        gateway.changeSet(account, stack.stackName(), desired.changeSetName());
    return switch (changeSet.kind()) {
      case ABSENT -> {
        gateway.createChangeSet(account, desired);
        yield new Prepared(Prepared.State.PENDING, stack, "", "preparing a change set");
      }
      case PENDING ->
          new Prepared(Prepared.State.PENDING, stack, "", "change set is being prepared");
      case READY ->
          new Prepared(
              Prepared.State.READY,
              stack,
              changeSet.id(),
              "change set " + desired.changeSetName() + " is ready, not executed");
      case NO_CHANGES -> {
        // The new configuration deploys as the old one: nothing to approve on this side.
        gateway.deleteChangeSet(account, stack.stackName(), desired.changeSetName());
        yield new Prepared(Prepared.State.NO_CHANGES, stack, "", "no changes needed");
      }
      case EXECUTED ->
          new Prepared(
              Prepared.State.EXECUTED, stack, changeSet.id(), "the change set was executed");
      case OBSOLETE -> {
        gateway.deleteChangeSet(account, stack.stackName(), desired.changeSetName());
        yield new Prepared(
            Prepared.State.PENDING,
            stack,
            "",
            "the stack changed since; making the change set again");
      }
      default -> {
        gateway.deleteChangeSet(account, stack.stackName(), desired.changeSetName());
        yield new Prepared(
            Prepared.State.FAILED, stack, "", "the change set failed: " + changeSet.reason());
      }
    };
  }

  /**
   * One side of a plan.
   *
   * @param stack the grant's own stack as observed, or null when there is none
   * @param changeSetId the ready change set's ARN, or empty
   */
  public record Prepared(State state, ObservedStack stack, String changeSetId, String message) {
    /** Where the side's change stands. */
    public enum State {
      /** No stack of the grant yet: approval creates it. */
      CREATED_ON_APPROVAL,
      /** The change set is being made (or the stack is busy). */
      PENDING,
      /** The change set exists, ready to execute. */
      READY,
      /** The stack already holds the request. */
      UNCHANGED,
      /** The request deploys exactly what is deployed. */
      NO_CHANGES,
      /** The change set was executed already (an approval carried out earlier). */
      EXECUTED,
      /** CloudFormation refused the change set. */
      FAILED,
      /** A stack of someone else's holds the name. */
      CONFLICT
    }
  }

  private StackProgress update(
      Side side,
      Grant.Account account,
      StackRequest request,
      ObservedStack stack,
      String appliedHash) {
    StackRequest desired =
        request.keepDeployed() ? request.keeping(stack.parameterKeys()) : request;
    String want = desired.configurationHash();
    ChangeSetState changeSet =
        gateway.changeSet(account, stack.stackName(), desired.changeSetName());
    switch (changeSet.kind()) {
      case ABSENT -> {
        gateway.createChangeSet(account, desired);
        return updating(stack, stack.status(), appliedHash, "preparing a change set");
      }
      case PENDING -> {
        return updating(stack, stack.status(), appliedHash, "change set is being prepared");
      }
      case READY -> {
        gateway.executeChangeSet(account, stack.stackName(), desired.changeSetName());
        metrics.stackOperation(side.label(), "update", "started");
        return updating(stack, "UPDATE_IN_PROGRESS", want, "updating the stack");
      }
      case NO_CHANGES -> {
        gateway.deleteChangeSet(account, stack.stackName(), desired.changeSetName());
        return new StackProgress(
            StackProgress.State.READY,
            stack.stackId(),
            stack.status(),
            stack.outputs(),
            want,
            null,
            readyReason(stack.status()),
            "no changes needed");
      }
      case OBSOLETE -> {
        // Made before the stack last changed (a plan that waited while its end was applied).
        gateway.deleteChangeSet(account, stack.stackName(), desired.changeSetName());
        return updating(
            stack,
            stack.status(),
            appliedHash,
            "the change set predates the stack's last change; making it again");
      }
      case EXECUTED -> {
        // Executed by an earlier attempt whose status write was lost.
        return updating(stack, stack.status(), want, "change set executed");
      }
      default -> {
        gateway.deleteChangeSet(account, stack.stackName(), desired.changeSetName());
        return new StackProgress(
            StackProgress.State.FAILED,
            stack.stackId(),
            stack.status(),
            stack.outputs(),
            appliedHash,
            want,
            Reason.ChangeSetFailed,
            "the change set failed: " + changeSet.reason());
      }
    }
  }

  /**
   * One step towards the grant's stack being gone; never touches a stack it does not find, nor one
   * that is not the grant's own (that one is left alone, and reported as a conflict once nothing of
   * the grant's is left).
   *
   * @param names where the stack may be, in order
   * @param recordedName the stack's name as status last recorded it, or null
   * @param beforeDelete given the stack's own resources right before its deletion is started, when
   *     not null
   */
  public StackProgress remove(
      Side side,
      Grant.Account account,
      StackOwner owner,
      List<String> names,
      String recordedName,
      Consumer<Map<String, String>> beforeDelete) {
    Located located = locate(account, owner, names, recordedName);
    if (located.owned().isEmpty()) {
      // Someone else's stack under a former (ambiguous) name was never this grant's: no report.
      return located
          .foreignAt(names.get(0))
          .map(
              foreign ->
                  progress(
                      StackProgress.State.GONE,
                      null,
                      null,
                      null,
                      null,
                      Reason.StackConflict,
                      "left stack "
                          + foreign.stackName()
                          + " alone: it belongs to "
                          + StackOwner.ownerOf(foreign)))
          .orElseGet(
              () ->
                  progress(
                      StackProgress.State.GONE,
                      null,
                      "DELETE_COMPLETE",
                      null,
                      null,
                      Reason.Deleted,
                      "stack is gone"));
    }
    ObservedStack stack = located.owned().get();
    if (owner.adopting(stack)) {
      // Named by the spec but never taken over (it would carry the grant's uid): not the grant's.
      return progress(
          StackProgress.State.GONE,
          null,
          null,
          null,
          null,
          Reason.Deleted,
          "left stack "
              + stack.stackName()
              + " alone: it was made by hand and never taken over (no "
              + StackOwner.UID_TAG
              + " tag)");
    }
    if ("UPDATE_IN_PROGRESS".equals(stack.status())) {
      // CloudFormation deletes no stack mid-update; cancelling rolls it back, then it can go.
      gateway.cancelUpdate(account, stack.stackName());
      metrics.stackOperation(side.label(), "cancel-update", "started");
      return progress(
          StackProgress.State.IN_PROGRESS,
          stack,
          "UPDATE_ROLLBACK_IN_PROGRESS",
          null,
          null,
          Reason.CancellingUpdate,
          "cancelling the update in progress so the stack can be deleted");
    }
    if (stack.inProgress()
        && !"REVIEW_IN_PROGRESS".equals(stack.status())
        && !"CREATE_IN_PROGRESS".equals(stack.status())) {
      // Deleting, rolling back, cleaning up: nothing to start until it ends.
      return stuck(stack, null, null)
          .orElseGet(
              () ->
                  progress(
                      StackProgress.State.IN_PROGRESS,
                      stack,
                      stack.status(),
                      null,
                      null,
                      "DELETE_IN_PROGRESS".equals(stack.status())
                          ? Reason.Deleting
                          : Reason.WaitingToDelete,
                      "DELETE_IN_PROGRESS".equals(stack.status())
                          ? "stack is being deleted"
                          : "waiting for " + stack.status() + " to finish before deleting"));
    }
    String message = "deleting the stack";
    if ("DELETE_FAILED".equals(stack.status())) {
      message = "retrying a failed delete: " + failure(account, stack);
    } else if ("CREATE_IN_PROGRESS".equals(stack.status())) {
      // CloudFormation stops a create it is asked to delete, and removes what it made.
      message = "deleting the stack while it is being created";
    }
    if (beforeDelete != null) {
      beforeDelete.accept(resources(account, stack));
    }
    gateway.delete(account, stack.stackId());
    metrics.stackOperation(side.label(), "delete", "started");
    return progress(
        StackProgress.State.IN_PROGRESS,
        stack,
        "DELETE_IN_PROGRESS",
        null,
        null,
        Reason.DeleteStarted,
        message);
  }

  /**
   * The stack's own resources; none when CloudFormation refuses to list them (a stack too broken to
   * say): then nothing beyond the stack is removed, the safe side.
   */
  private Map<String, String> resources(Grant.Account account, ObservedStack stack) {
    try {
      return gateway.resources(account, stack.stackId());
    } catch (io.xaccess.aws.AwsProblem problem) {
      if (!problem.terminal()) {
        throw problem;
      }
      return Map.of();
    }
  }

  /**
   * Whether the grant's status records nothing of this side's stack, so that it has none under any
   * name but the one it is asked for: a stack is recorded by the status write after its create (if
   * that write is lost, the create's AlreadyExists leads to the look-up), its uid tag is this
   * grant's own, and a uid is never given to another object. Only a stack to adopt (another uid's,
   * or one made by hand that the spec names) or one to change without creating it is looked for
   * first. This saves the two failed DescribeStacks (current and former name) that every new
   * grant's stack cost before its create.
   */
  private static boolean nothingRecorded(
      StackRequest request, String recordedName, String appliedHash, String failedHash) {
    return recordedName == null
        && appliedHash == null
        && failedHash == null
        && !request.deployedOnly()
        && request.owner().adoptUid().isEmpty()
        // A stack the spec names was made by hand: look for it (the deployer may only update it).
        && request.owner().adoptable().isEmpty();
  }

  /**
   * Creates the stack, once the guard allows it: the progress of a started create (or a refusal),
   * or empty when a stack of that name exists already, left as it was.
   */
  private Optional<StackProgress> start(
      Side side,
      Grant.Account account,
      StackRequest desired,
      String want,
      String appliedHash,
      String failedHash) {
    Optional<StackGuard.Refusal> refusal = guard.beforeCreate(side, account, desired);
    if (refusal.isPresent()) {
      return Optional.of(
          StackProgress.conflict(
              appliedHash, failedHash, refusal.get().reason(), refusal.get().message()));
    }
    if (!gateway.create(account, desired)) {
      return Optional.empty();
    }
    metrics.stackOperation(side.label(), "create", "started");
    return Optional.of(creating(want));
  }

  private static StackProgress creating(String want) {
    return progress(
        StackProgress.State.IN_PROGRESS,
        null,
        "CREATE_IN_PROGRESS",
        want,
        null,
        Reason.Creating,
        "creating the stack");
  }

  /** Stacks made by hand are taken over only when settled, never deleted or recreated. */
  private static final Set<String> ADOPTABLE =
      Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE");

  /**
   * A stack made by hand that the spec names and nothing claims: taken over by the next update only
   * when it is settled and the guard finds the update keeps its role, bucket and key; otherwise the
   * refusal. While an operation of its own runs, the normal steps wait for it.
   */
  private Optional<StackProgress> adoption(
      Side side,
      Grant.Account account,
      ObservedStack stack,
      StackRequest desired,
      String appliedHash,
      String failedHash) {
    if (stack.inProgress() && !"REVIEW_IN_PROGRESS".equals(stack.status())) {
      return Optional.empty();
    }
    if (!ADOPTABLE.contains(stack.status())) {
      return Optional.of(
          StackProgress.conflict(
              appliedHash,
              failedHash,
              Reason.AdoptionRefused,
              "stack "
                  + stack.stackName()
                  + " is "
                  + stack.status()
                  + ": a stack made by hand is taken over only in a settled state, and xaccess never"
                  + " deletes or recreates one; fix it in CloudFormation first"));
    }
    return guard
        .beforeAdopt(side, account, desired, gateway.template(account, stack.stackName()))
        .map(
            refusal ->
                StackProgress.conflict(
                    appliedHash, failedHash, refusal.reason(), refusal.message()));
  }

  /** The grant's own stack among the names, and the first stack found that is not its own. */
  private record Located(Optional<ObservedStack> owned, Optional<ObservedStack> foreign) {
    Optional<ObservedStack> foreignAt(String name) {
      return foreign.filter(s -> s.stackName().equals(name));
    }
  }

  /**
   * Looks for the grant's stack under each name (the recorded one first, so a settled grant costs
   * one DescribeStacks); stops at the first that is the grant's own.
   */
  private Located locate(
      Grant.Account account, StackOwner owner, List<String> names, String recordedName) {
    List<String> order = new ArrayList<>(names);
    if (recordedName != null && order.remove(recordedName)) {
      order.add(0, recordedName);
    }
    ObservedStack foreign = null;
    for (String name : order) {
      Optional<ObservedStack> found = gateway.observe(account, name);
      if (found.isPresent() && owner.owns(found.get())) {
        return new Located(found, Optional.ofNullable(foreign));
      }
      if (found.isPresent() && (foreign == null || name.equals(names.get(0)))) {
        foreign = found.get();
      }
    }
    return new Located(Optional.empty(), Optional.ofNullable(foreign));
  }

  private StackProgress conflict(
      Grant.Account account, ObservedStack foreign, String appliedHash, String failedHash) {
    String tagged = foreign.tags().get(StackOwner.UID_TAG);
    return StackProgress.conflict(
        appliedHash,
        failedHash,
        Reason.StackConflict,
        "stack "
            + foreign.stackName()
            + " in account "
            + account.accountId()
            + " belongs to "
            + StackOwner.ownerOf(foreign)
            + ", not to this grant: xaccess neither updates nor deletes it. "
            + (tagged == null
                ? "Delete or rename that stack if it is not needed"
                : "If that grant is gone for good and this one should take its stacks over, set"
                    + " the annotation xaccess.io/adopt-uid="
                    + tagged
                    + "; otherwise delete that stack or give this grant another name"));
  }

  /**
   * An operation in progress for longer than the limit, reported with what it is and since when.
   */
  private Optional<StackProgress> stuck(ObservedStack stack, String applied, String failed) {
    if (stack.since() == null
        || Duration.between(stack.since(), clock.instant()).compareTo(operationTimeout) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        progress(
            StackProgress.State.IN_PROGRESS,
            stack,
            stack.status(),
            applied,
            failed,
            Reason.StackStuck,
            "stack "
                + stack.stackName()
                + " has been "
                + stack.status()
                + " since "
                + stack.since().truncatedTo(ChronoUnit.SECONDS)
                + ", longer than "
                + operationTimeout.toMinutes()
                + " min: CloudFormation is waiting on a resource (aws cloudformation"
                + " describe-stack-events --stack-name "
                + stack.stackName()
                + "); the operator keeps watching"));
  }

  private String failure(Grant.Account account, ObservedStack stack) {
    return gateway
        .firstFailure(account, stack.stackId())
        .orElse(stack.statusReason().isEmpty() ? stack.status() : stack.statusReason());
  }

  private static Reason readyReason(String status) {
    return switch (status) {
      case "CREATE_COMPLETE" -> Reason.CreateComplete;
      case "UPDATE_COMPLETE" -> Reason.UpdateComplete;
      default -> Reason.Deployed;
    };
  }

  private static StackProgress progress(
      StackProgress.State state,
      ObservedStack stack,
      String status,
      String applied,
      String failed,
      Reason reason,
      String message) {
    return new StackProgress(
        state,
        stack == null ? null : stack.stackId(),
        status,
        stack == null ? Map.of() : stack.outputs(),
        applied,
        failed,
        reason,
        message);
  }

  private static StackProgress updating(
      ObservedStack stack, String status, String applied, String message) {
    return progress(
        StackProgress.State.IN_PROGRESS, stack, status, applied, null, Reason.Updating, message);
  }
}
