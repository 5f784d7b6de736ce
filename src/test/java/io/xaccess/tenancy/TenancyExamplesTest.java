package io.xaccess.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worked multi-team example (examples/tenancy/) decides as its comments and docs/tenancy.md
 * say: each grant is permitted by the policy named beside it, and the edits the docs show are
 * refused with the messages quoted there. So does examples/time-boxed.yaml under the policy make
 * dev installs, with and without a maxGrantLifetime.
 */
class TenancyExamplesTest {

  private static final Path DIR = Path.of("examples", "tenancy");

  @Test
  void eachGrantIsPermittedByThePolicyNamedBesideIt() throws IOException {
    assertThat(decide("payments", "ci-publisher", g -> {}).policy()).contains("team-payments");
    assertThat(decide("payments", "shared-artifacts", g -> {}).policy())
        .contains("shared-artifacts-read");
    assertThat(decide("analytics", "lake-reader", g -> {}).policy()).contains("team-analytics");
    assertThat(decide("payments", "ci-publisher", g -> {}).productionDeployer())
        .contains("arn:aws:iam::111111111111:role/xaccess-deployer");
  }

  @Test
  void theEditsTheDocsShowAreRefusedAsQuoted() throws IOException {
    // Write access to the shared bucket: one policy grants the account, none the write.
    Verdict write =
        decide(
            "payments",
            "shared-artifacts",
            g -> g.getSpec().getRole().setActions(List.of("s3:GetObject", "s3:PutObject")));
    assertThat(write.permitted()).isFalse();
    assertThat(write.message())
        .contains(
            "policy shared-artifacts-read: spec.role.actions [s3:PutObject] not in actions"
                + " [s3:GetObject, s3:ListBucket]")
        .contains("| policy team-payments: spec.production.accountId 333333333333 is not in");

    // A longer session than the analytics policy allows.
    Verdict longer = decide("analytics", "lake-reader", g -> g.getSpec().setSessionDuration("8h"));
    assertThat(longer.message())
        .contains(
            "policy team-analytics: spec.sessionDuration 8h is longer than maxSessionDuration 4h");

    // The payments grant in the analytics namespace: the payments policies do not select it.
    Verdict elsewhere =
        decide("payments", "ci-publisher", g -> g.getMetadata().setNamespace("analytics"));
    assertThat(elsewhere.message())
        .contains("policy team-analytics: spec.development.accountId 222222222222 is not in");

    // A team that names its own deployer role.
    Verdict swapped =
        decide(
            "payments",
            "ci-publisher",
            g -> {
              var credentials = new io.xaccess.api.v1alpha1.AccountCredentials();
              credentials.setRoleArn("arn:aws:iam::111111111111:role/admin");
              g.getSpec().getProduction().setCredentials(credentials);
            });
    assertThat(swapped.message())
        .contains(
            "policy team-payments: spec.production.credentials.roleArn"
                + " arn:aws:iam::111111111111:role/admin is not the deployer role the policy sets");
  }

  @Test
  void theTimeBoxedExampleIsPermittedLocallyAndBoundedAsTheDocsSay() throws IOException {
    CrossAccountAccessPolicy local =
        Serialization.unmarshal(
            Files.readString(Path.of("examples", "policy-local.yaml")),
            CrossAccountAccessPolicy.class);
    // make dev applies it in dev (or e2e): permitted by the local policy as it is.
    assertThat(timeBoxed("dev", local, g -> {}).policy()).contains("local-emulator");

    // The same policy with a ceiling (docs/tenancy.md): the 48h ttl fits 72h, not 24h.
    local.getSpec().setMaxGrantLifetime("72h");
    assertThat(timeBoxed("dev", local, g -> {}).permitted()).isTrue();
    local.getSpec().setMaxGrantLifetime("24h");
    assertThat(timeBoxed("dev", local, g -> {}).message())
        .contains("policy local-emulator: spec.ttl 48h is longer than maxGrantLifetime 24h");
    assertThat(timeBoxed("dev", local, g -> g.getSpec().setTtl(null)).message())
        .contains(
            "policy local-emulator: spec.ttl or spec.expiresAt is required by maxGrantLifetime"
                + " 24h");
    // A fixed end counts from the grant's creation.
    Verdict late =
        timeBoxed(
            "dev",
            local,
            g -> {
              g.getMetadata().setCreationTimestamp("2026-12-01T09:00:00Z");
              g.getSpec().setTtl(null);
              g.getSpec().setExpiresAt("2026-12-03T09:00:00Z");
            });
    assertThat(late.message())
        .contains(
            "policy local-emulator: spec.expiresAt 2026-12-03T09:00:00Z is later than"
                + " maxGrantLifetime 24h after the grant's creation (2026-12-02T09:00:00Z)");
  }

  private static Verdict timeBoxed(
      String namespace,
      CrossAccountAccessPolicy policy,
      java.util.function.Consumer<CrossAccountAccess> edit)
      throws IOException {
    CrossAccountAccess grant =
        Serialization.unmarshal(
            Files.readString(Path.of("examples", "time-boxed.yaml")), CrossAccountAccess.class);
    grant.getMetadata().setNamespace(namespace);
    edit.accept(grant);
    return TenancyRules.evaluate(grant, Map.of(), List.of(policy));
  }

  private static Verdict decide(
      String namespace, String name, java.util.function.Consumer<CrossAccountAccess> edit)
      throws IOException {
    List<CrossAccountAccessPolicy> policies = new ArrayList<>();
    Map<String, Map<String, String>> labels = new java.util.HashMap<>();
    CrossAccountAccess grant = null;
    for (String file : List.of("policies.yaml", "namespaces.yaml", "grants.yaml")) {
      for (String doc : Files.readString(DIR.resolve(file)).split("(?m)^---$")) {
        if (doc.isBlank()) {
          continue;
        }
        GenericKubernetesResource r = Serialization.unmarshal(doc, GenericKubernetesResource.class);
        switch (r.getKind()) {
          case "CrossAccountAccessPolicy" ->
              policies.add(Serialization.unmarshal(doc, CrossAccountAccessPolicy.class));
          case "Namespace" -> labels.put(r.getMetadata().getName(), r.getMetadata().getLabels());
          case "CrossAccountAccess" -> {
            if (r.getMetadata().getNamespace().equals(namespace)
                && r.getMetadata().getName().equals(name)) {
              grant = Serialization.unmarshal(doc, CrossAccountAccess.class);
            }
          }
          default -> {}
        }
      }
    }
    assertThat(grant).as("%s/%s in grants.yaml", namespace, name).isNotNull();
    edit.accept(grant);
    return TenancyRules.evaluate(
        grant, labels.getOrDefault(grant.getMetadata().getNamespace(), Map.of()), policies);
  }
}
