package io.xaccess.reconciler;

import static io.xaccess.reconciler.ReconcilerFixture.T0;
import static io.xaccess.reconciler.ReconcilerFixture.condition;
import static io.xaccess.reconciler.ReconcilerFixture.delay;
import static io.xaccess.reconciler.ReconcilerFixture.grant;
import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.xaccess.api.v1alpha1.ConditionType;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.Phase;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.aws.AwsProblem;
import io.xaccess.cloudformation.ChangeSetState;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.grant.GrantProblem;
import io.xaccess.tenancy.Verdict;
import io.xaccess.testing.GrantYaml;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A deployed grant that a tightened policy no longer permits still reaches its end and has its
 * sessions revoked — both only narrow access — and nothing else of it changes: the stacks keep
 * their deployed template and parameters, whatever the spec says now, and the end never moves
 * later.
 */
class StalledClosureTest {

  private static final String PROD = StackNames.production("team", "jit");
  private static final String DEV = StackNames.development("team", "jit");
  private static final Verdict REFUSED =
      Verdict.refused("policy test: spec.bucket.name x matches none of buckets.names [acme-*]");

  private final ReconcilerFixture f = new ReconcilerFixture();

  /** Ready under a policy, then the policy no longer permits it. */
  private CrossAccountAccess deployedThenRefused(String spec) {
    CrossAccountAccess grant = grant(GrantYaml.of("team", "jit").spec(spec));
    f.reconcileToReady(grant);
    f.verdict = REFUSED;
    f.cfn.calls.clear();
    f.cfn.changeSets.clear();
    return grant;
  }

  /** Reconciles through change sets and stack operations, {@code rounds} times. */
  private UpdateControl<CrossAccountAccess> rounds(CrossAccountAccess grant, int rounds) {
    UpdateControl<CrossAccountAccess> last = null;
    for (int round = 0; round < rounds; round++) {
      int before = f.cfn.calls.size();
      last = f.reconcile(grant);
      // A change set just created is ready at the next look; one executed is gone.
      f.cfn.changeSet =
          ChangeSetState.of(
              f.cfn.calls.subList(before, f.cfn.calls.size()).contains("createChangeSet")
                  ? ChangeSetState.Kind.READY
                  : ChangeSetState.Kind.ABSENT);
      f.cfn.completeAll();
    }
    return last;
  }

  /** The parameters except the two a grant no policy permits may still change. */
  private static Map<String, String> allBut(Map<String, String> parameters) {
    Map<String, String> rest = new HashMap<>(parameters);
    rest.remove("AccessOpen");
    rest.remove("RevokeSessionsBefore");
    return rest;
  }

  @Test
  void aDeployedGrantNoPolicyPermitsIsStillClosedAtItsEndAndNothingElseChanges() {
    CrossAccountAccess grant = deployedThenRefused("  ttl: 30s\n");
    Map<String, String> prodBefore = f.cfn.parameters.get(PROD);
    Map<String, String> devBefore = f.cfn.parameters.get(DEV);

    // Before the end: left as it is, no AWS call, and the end is still scheduled.
    UpdateControl<CrossAccountAccess> waiting = f.reconcile(grant);
    assertThat(f.cfn.calls).isEmpty();
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("NotPermitted");
    assertThat(condition(grant, ConditionType.Stalled).getMessage())
        .contains("not updated and not verified again")
        .contains("its end (spec.expiresAt, spec.ttl) still closes it");
    assertThat(delay(waiting)).isEqualTo(Duration.ofSeconds(30));

    f.clock.advance(Duration.ofSeconds(30));
    rounds(grant, 8);

    String closedAt = T0.plusSeconds(30).toString();
    assertThat(grant.getStatus().getClosedAt()).isEqualTo(closedAt);
    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("AccessOpen", "false")
        .containsEntry("RevokeSessionsBefore", closedAt);
    assertThat(f.cfn.parameters.get(DEV)).containsEntry("AccessOpen", "false");
    // Only those two: the deployed template and every other parameter are kept as they are.
    assertThat(allBut(f.cfn.parameters.get(PROD))).isEqualTo(allBut(prodBefore));
    assertThat(allBut(f.cfn.parameters.get(DEV))).isEqualTo(allBut(devBefore));
    // The spec is what was deployed: the runbook's request, for deployed stacks only.
    assertThat(f.cfn.changeSets).hasSize(2).allMatch(r -> r.scope() == StackRequest.Scope.EXISTING);
    assertThat(f.cfn.calls).doesNotContain("create", "delete");
    assertThat(f.verifier.calls).as("nothing proven for a grant no policy permits").hasSize(1);

    // Still not permitted, and says so; the closure shows in status and events.
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("NotPermitted");
    assertThat(condition(grant, ConditionType.Ready).getStatus()).isEqualTo("False");
    assertThat(grant.getStatus().getPhase()).isEqualTo(Phase.Failed);
    assertThat(grant.getStatus().getSessionsRevokedBefore()).isEqualTo(closedAt);
    assertThat(grant.getStatus().getDevelopment().getAssumePolicyArn()).isNull();
    assertThat(condition(grant, ConditionType.AccessVerified).getReason()).isEqualTo("Expired");
    assertThat(f.events.recorded)
        .anyMatch(
            e -> e.startsWith("Normal SessionsRevoked: ") && e.endsWith("(the grant expired)"));

    // Idempotent: the stacks carry exactly this, so a later look (or a restart) calls nothing.
    f.cfn.calls.clear();
    f.clock.advance(Duration.ofMinutes(10));
    UpdateControl<CrossAccountAccess> again = f.reconcile(grant);
    assertThat(f.cfn.calls).isEmpty();
    assertThat(again.isPatchStatus()).isFalse();
    assertThat(delay(again)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void anEditWhileNotPermittedNeitherWidensTheStacksNorPushesTheEndBack() {
    CrossAccountAccess grant = deployedThenRefused("  ttl: 30s\n");
    Map<String, String> prodBefore = f.cfn.parameters.get(PROD);
    String end = grant.getStatus().getExpiresAt();

    // Without the admission webhook nothing stops these edits: more actions, no end at all.
    grant.getSpec().setTtl(null);
    grant
        .getSpec()
        .getRole()
        .setActions(List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"));
    grant.getMetadata().setGeneration(2L);
    f.reconcile(grant);
    assertThat(f.cfn.calls).isEmpty();
    assertThat(grant.getStatus().getExpiresAt()).as("the recorded end stands").isEqualTo(end);

    f.clock.advance(Duration.ofSeconds(30));
    rounds(grant, 8);
    assertThat(f.cfn.parameters.get(PROD)).containsEntry("AccessOpen", "false");
    assertThat(allBut(f.cfn.parameters.get(PROD)))
        .as("the widened actions are not deployed")
        .isEqualTo(allBut(prodBefore));
    assertThat(f.cfn.parameters.get(PROD).get("S3ObjectActions")).doesNotContain("DeleteObject");
    // The production stack's spec is not what was deployed: its deployed template and values are
    // kept as they are (the development stack's is, so it gets the runbook's own request).
    assertThat(f.cfn.changeSets).hasSize(2);
    assertThat(f.cfn.changeSets.get(0).keepDeployed()).isTrue();
    assertThat(f.cfn.changeSets.get(1).scope()).isEqualTo(StackRequest.Scope.EXISTING);
    assertThat(f.cfn.changeSets.get(0).parameters())
        .containsOnlyKeys("AccessOpen", "RevokeSessionsBefore");
    assertThat(f.cfn.changeSets.get(0).previousValues())
        .containsExactlyInAnyOrderElementsOf(allBut(prodBefore).keySet());
  }

  @Test
  void aGrantStalledByItsOwnTenantIsStillClosedAtItsEnd() {
    // Permitted, deployed, then the tenant deletes the Secret the grant names (its external id)
    // just before the end: the grant stalls, and the end must close it all the same.
    CrossAccountAccess grant = grant(GrantYaml.of("team", "jit").spec("  ttl: 30s\n"));
    f.reconcileToReady(grant);
    Map<String, String> prodBefore = f.cfn.parameters.get(PROD);
    f.cfn.calls.clear();
    f.cfn.changeSets.clear();
    f.resolveProblem =
        new GrantProblem(
            Reason.SecretNotFound, "spec.trust.externalIdSecretRef: Secret team/ext not found");

    UpdateControl<CrossAccountAccess> waiting = f.reconcile(grant);
    assertThat(f.cfn.calls).as("before the end: no AWS call").isEmpty();
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("SecretNotFound");
    assertThat(delay(waiting)).as("looked at again at the end").isEqualTo(Duration.ofSeconds(30));

    f.clock.advance(Duration.ofSeconds(30));
    rounds(grant, 8);

    String closedAt = T0.plusSeconds(30).toString();
    assertThat(grant.getStatus().getClosedAt()).isEqualTo(closedAt);
    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("AccessOpen", "false")
        .containsEntry("RevokeSessionsBefore", closedAt);
    assertThat(f.cfn.parameters.get(DEV)).containsEntry("AccessOpen", "false");
    // Nothing is taken from a spec the operator cannot resolve: the rest stays as deployed.
    assertThat(allBut(f.cfn.parameters.get(PROD))).isEqualTo(allBut(prodBefore));
    assertThat(f.cfn.changeSets).isNotEmpty().allMatch(r -> r.keepDeployed());
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("SecretNotFound");
    assertThat(grant.getStatus().getSessionsRevokedBefore()).isEqualTo(closedAt);
  }

  @Test
  void theRevocationAnnotationIsAppliedAndNeverMovedBack() {
    CrossAccountAccess grant = deployedThenRefused("");
    Map<String, String> prodBefore = f.cfn.parameters.get(PROD);
    f.clock.advance(Duration.ofMinutes(20));

    grant
        .getMetadata()
        .setAnnotations(
            Map.of(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, "2026-12-01T10:15:00Z"));
    rounds(grant, 5);
    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("RevokeSessionsBefore", "2026-12-01T10:15:00Z")
        .as("not closed: the grant has no end")
        .containsEntry("AccessOpen", "true");
    assertThat(f.cfn.changeSets).hasSize(1).as("the development stack has no bound");
    assertThat(allBut(f.cfn.parameters.get(PROD))).isEqualTo(allBut(prodBefore));
    assertThat(grant.getStatus().getSessionsRevokedBefore()).isEqualTo("2026-12-01T10:15:00Z");
    assertThat(f.events.recorded)
        .anyMatch(e -> e.startsWith("Normal SessionsRevoked: ") && e.contains("(annotation"));

    // An earlier bound, or none, would let sessions back in: not applied, and no AWS call.
    f.cfn.calls.clear();
    grant
        .getMetadata()
        .setAnnotations(
            Map.of(CrossAccountAccess.REVOKE_SESSIONS_ANNOTATION, "2026-12-01T10:05:00Z"));
    f.reconcile(grant);
    grant.getMetadata().setAnnotations(Map.of());
    f.reconcile(grant);
    assertThat(f.cfn.calls).isEmpty();
    assertThat(f.cfn.parameters.get(PROD))
        .containsEntry("RevokeSessionsBefore", "2026-12-01T10:15:00Z");
    assertThat(grant.getStatus().getSessionsRevokedBefore()).isEqualTo("2026-12-01T10:15:00Z");
  }

  @Test
  void aStackGoneMeanwhileIsNotCreatedAgain() {
    CrossAccountAccess grant = deployedThenRefused("  ttl: 30s\n");
    f.cfn.remove(DEV);

    f.clock.advance(Duration.ofSeconds(30));
    rounds(grant, 8);
    assertThat(f.cfn.parameters.get(PROD)).containsEntry("AccessOpen", "false");
    assertThat(f.cfn.stack(DEV)).isEmpty();
    assertThat(f.cfn.calls).doesNotContain("create");
  }

  @Test
  void whenAwsRefusesTheClosureTheStalledMessageSaysTheAccessIsStillOpen() {
    CrossAccountAccess grant = deployedThenRefused("  ttl: 30s\n");
    f.cfn.failing =
        new AwsProblem(
            AwsProblem.Kind.TERMINAL,
            Reason.AssumeRoleDenied,
            "the operator cannot assume its deployer role",
            null);

    f.clock.advance(Duration.ofSeconds(30));
    UpdateControl<CrossAccountAccess> refused = f.reconcile(grant);
    assertThat(condition(grant, ConditionType.Stalled).getReason()).isEqualTo("NotPermitted");
    assertThat(condition(grant, ConditionType.Stalled).getMessage())
        .contains("Its end and revocations were not applied yet: the operator cannot assume");
    assertThat(delay(refused)).isEqualTo(Duration.ofMinutes(10));
    assertThat(f.events.recorded)
        .anyMatch(e -> e.startsWith("Warning NotPermitted:") && e.contains("not applied yet"));

    f.cfn.failing = null;
    rounds(grant, 8);
    assertThat(f.cfn.parameters.get(PROD)).containsEntry("AccessOpen", "false");
    assertThat(condition(grant, ConditionType.Stalled).getMessage())
        .doesNotContain("not applied yet");
  }

  @Test
  void aGrantRefusedFromTheStartIsNotClosedEither() {
    CrossAccountAccess grant =
        grant(GrantYaml.of("team", "jit").spec("  expiresAt: \"2026-12-01T10:00:30Z\"\n"));
    f.verdict = REFUSED;
    f.clock.advance(Duration.ofMinutes(1));
    f.reconcile(grant);
    assertThat(f.cfn.calls).as("nothing deployed, nothing to close").isEmpty();
  }
}
