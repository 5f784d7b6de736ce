package io.xaccess.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import io.xaccess.tenancy.PolicyView;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The webhook's JSON: an AdmissionReview in, its response out, decided by TenancyRules. */
class TenancyReviewTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final CrossAccountAccessPolicy TEAM_A =
      Serialization.unmarshal(
          """
          apiVersion: xaccess.io/v1alpha1
          kind: CrossAccountAccessPolicy
          metadata: {name: team-a}
          spec:
            namespaces: {selector: {matchLabels: {team: a}}}
            production: [{accountId: "111111111111"}]
            development: [{accountId: "222222222222"}]
            buckets: {names: [acme-team-a-*]}
          """,
          CrossAccountAccessPolicy.class);

  /** A view with these policies and one namespace, team-a, labelled team=a. */
  private static PolicyView view(boolean ready, CrossAccountAccessPolicy... policies) {
    return new PolicyView() {
      @Override
      public boolean ready() {
        return ready;
      }

      @Override
      public Collection<CrossAccountAccessPolicy> policies() {
        return List.of(policies);
      }

      @Override
      public Map<String, String> namespaceLabels(String namespace) {
        return namespace.equals("team-a") ? Map.of("team", "a") : Map.of();
      }
    };
  }

  private static String review(String operation, String namespace, String bucket) {
    return """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
          "kind": {"group": "xaccess.io", "version": "v1alpha1", "kind": "CrossAccountAccess"},
          "resource": {"group": "xaccess.io", "version": "v1alpha1",
                       "resource": "crossaccountaccesses"},
          "name": "ci", "namespace": "%s", "operation": "%s",
          "userInfo": {"username": "alice"},
          "object": {"apiVersion": "xaccess.io/v1alpha1", "kind": "CrossAccountAccess",
           "metadata": {"name": "ci", "namespace": "%s"},
           "spec": {"production": {"accountId": "111111111111", "region": "us-east-1"},
                    "development": {"accountId": "222222222222", "region": "us-east-1"},
                    "bucket": {"name": "%s"}, "someFutureField": true}},
          "dryRun": false}}
        """
        .formatted(namespace, operation, namespace, bucket);
  }

  private static JsonNode answer(String review, PolicyView view) throws Exception {
    String out = new TenancyReview().answer(review.getBytes(StandardCharsets.UTF_8), view);
    JsonNode answer = JSON.readTree(out);
    assertThat(answer.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
    assertThat(answer.path("response").path("uid").asText())
        .isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    return answer.path("response");
  }

  @Test
  void aPermittedGrantIsAllowedWithoutAStatus() throws Exception {
    JsonNode response = answer(review("CREATE", "team-a", "acme-team-a-x"), view(true, TEAM_A));

    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("status")).isFalse();
  }

  @Test
  void aRefusalIs403AndNamesThePolicyTheRuleAndTheField() throws Exception {
    JsonNode response = answer(review("UPDATE", "team-a", "other-bucket"), view(true, TEAM_A));

    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
    assertThat(response.path("status").path("reason").asText()).isEqualTo("Forbidden");
    assertThat(response.path("status").path("message").asText())
        .contains("policy team-a")
        .contains("spec.bucket.name other-bucket")
        .contains("buckets.names [acme-team-a-*]");
  }

  @Test
  void aNamespaceNoPolicySelectsIsRefused() throws Exception {
    JsonNode response = answer(review("CREATE", "team-b", "acme-team-a-x"), view(true, TEAM_A));

    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .contains("no CrossAccountAccessPolicy selects namespace team-b")
        .contains("fail closed");
  }

  @Test
  void untilThePoliciesAreReadEverythingIsRefused() throws Exception {
    JsonNode response = answer(review("CREATE", "team-a", "acme-team-a-x"), view(false, TEAM_A));

    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(503);
    assertThat(response.path("status").path("message").asText()).contains("not ready");
  }

  @Test
  void anObjectItCannotReadIsRefusedWithoutQuotingIt() throws Exception {
    String review =
        review("CREATE", "team-a", "acme-team-a-x")
            .replace("\"accountId\": \"111111111111\"", "\"accountId\": {\"secret\": \"s3cr3t\"}");

    JsonNode response = answer(review, view(true, TEAM_A));

    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .contains("could not read")
        .doesNotContain("s3cr3t");
  }

  @Test
  void anotherKindIsRefused() throws Exception {
    String review =
        review("CREATE", "team-a", "acme-team-a-x")
            .replace("\"kind\": \"CrossAccountAccess\"}", "\"kind\": \"Secret\"}");

    assertThat(answer(review, view(true, TEAM_A)).path("allowed").asBoolean()).isFalse();
  }

  @Test
  void somethingThatIsNotAReviewIsABadRequest() {
    assertThatThrownBy(() -> new TenancyReview().answer("{}".getBytes(), view(true)))
        .isInstanceOf(TenancyReview.MalformedReview.class);
    assertThatThrownBy(() -> new TenancyReview().answer("not json".getBytes(), view(true)))
        .isInstanceOf(TenancyReview.MalformedReview.class);
  }
}
