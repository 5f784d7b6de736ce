package io.xaccess.admission;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.tenancy.PolicyView;
import io.xaccess.tenancy.TenancyRules;
import io.xaccess.tenancy.Verdict;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * The tenancy check at admission: an {@code admission.k8s.io/v1} AdmissionReview of a
 * CrossAccountAccess in, the same review with its response out. The decision is {@link
 * TenancyRules#evaluate}, exactly as the operator makes it, so the API server and the operator
 * cannot disagree. It fails closed: a view that has not read the policies yet, an object it cannot
 * read, or a review of anything else is refused.
 */
public final class TenancyReview {

  /** Where the webhook is served (the chart's ValidatingWebhookConfiguration calls it). */
  public static final String PATH = "/admission/tenancy";

  private static final Logger LOG = Logger.getLogger(TenancyReview.class);
  private static final String API_VERSION = "admission.k8s.io/v1";

  private final ObjectMapper json;

  public TenancyReview() {
    // Lenient, as the operator is: the CRD has already pruned what the schema does not know.
    this.json =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  /** A review that is not an AdmissionReview with a request uid (answered with HTTP 400). */
  public static final class MalformedReview extends Exception {
    MalformedReview(String message) {
      super(message);
    }
  }

  /** The answer to the AdmissionReview {@code body}, as JSON. */
  public String answer(byte[] body, PolicyView view) throws MalformedReview {
    JsonNode review;
    try {
      review = json.readTree(body);
    } catch (IOException e) {
      throw new MalformedReview("the body is not JSON");
    }
    JsonNode request = review == null ? null : review.get("request");
    if (request == null
        || !API_VERSION.equals(review.path("apiVersion").asText())
        || !"AdmissionReview".equals(review.path("kind").asText())
        || !request.path("uid").isTextual()) {
      throw new MalformedReview("expected an " + API_VERSION + " AdmissionReview with a request");
    }
    String uid = request.get("uid").asText();
    Decision decision = decide(request, view);
    ObjectNode response = json.createObjectNode().put("uid", uid).put("allowed", decision.allowed);
    if (!decision.allowed) {
      response
          .putObject("status")
          .put("code", decision.code)
          .put("reason", decision.reason)
          .put("message", decision.message);
    }
    ObjectNode out = json.createObjectNode().put("apiVersion", API_VERSION);
    out.put("kind", "AdmissionReview");
    out.set("response", response);
    return out.toString();
  }

  private record Decision(boolean allowed, int code, String reason, String message) {

    static Decision admit() {
      return new Decision(true, 200, null, null);
    }

    static Decision forbidden(String message) {
      return new Decision(false, 403, "Forbidden", message);
    }
  }

  private Decision decide(JsonNode request, PolicyView view) {
    JsonNode kind = request.path("kind");
    if (!"xaccess.io".equals(kind.path("group").asText())
        || !"CrossAccountAccess".equals(kind.path("kind").asText())) {
      return Decision.forbidden(
          "the xaccess tenancy webhook reviews CrossAccountAccess only, not "
              + kind.path("group").asText()
              + "/"
              + kind.path("kind").asText());
    }
    String operation = request.path("operation").asText();
    JsonNode object = request.get("object");
    if (!("CREATE".equals(operation) || "UPDATE".equals(operation))
        || object == null
        || !object.isObject()) {
      // DELETE and CONNECT are never sent (the webhook's rules): nothing to judge.
      return Decision.admit();
    }
    String namespace = request.path("namespace").asText();
    String name = request.path("name").asText(object.path("metadata").path("name").asText());
    if (!view.ready()) {
      LOG.infof(
          "refused %s of CrossAccountAccess %s/%s: the policies are not read yet",
          operation, namespace, name);
      return new Decision(
          false,
          503,
          "ServiceUnavailable",
          "the xaccess tenancy webhook is not ready: it has not read the"
              + " CrossAccountAccessPolicies and namespaces yet, so it admits nothing (fail"
              + " closed); retry in a few seconds");
    }
    CrossAccountAccess grant;
    try {
      grant = json.treeToValue(object, CrossAccountAccess.class);
      grant.getMetadata().setNamespace(namespace);
      if (grant.getSpec() == null
          || grant.getSpec().getProduction() == null
          || grant.getSpec().getDevelopment() == null
          || grant.getSpec().getBucket() == null) {
        return Decision.forbidden(
            "spec.production, spec.development and spec.bucket are required for the tenancy"
                + " check");
      }
    } catch (IOException | RuntimeException e) {
      // The message of a parse error may quote the input: say only what could not be read.
      return Decision.forbidden(
          "the xaccess tenancy webhook could not read this CrossAccountAccess ("
              + e.getClass().getSimpleName()
              + ")");
    }
    Verdict verdict;
    try {
      verdict = TenancyRules.evaluate(grant, view.namespaceLabels(namespace), view.policies());
    } catch (RuntimeException e) {
      LOG.warnf(
          "refused %s of CrossAccountAccess %s/%s: the tenancy check failed (%s)",
          operation, namespace, name, e.getClass().getName());
      return Decision.forbidden(
          "the tenancy check failed (" + e.getClass().getSimpleName() + "), so it is refused");
    }
    if (verdict.permitted()) {
      LOG.debugf(
          "admitted %s of CrossAccountAccess %s/%s: %s",
          operation, namespace, name, verdict.message());
      return Decision.admit();
    }
    LOG.infof(
        "refused %s of CrossAccountAccess %s/%s: %s",
        operation, namespace, name, verdict.message());
    return Decision.forbidden(verdict.message());
  }
}
