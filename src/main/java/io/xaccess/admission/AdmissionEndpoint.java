package io.xaccess.admission;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.xaccess.config.XaccessConfig;
import io.xaccess.tenancy.TenancyView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * {@code POST /admission/tenancy} on Quarkus' HTTP server, over HTTPS only, when {@code
 * xaccess.admission.enabled} is set (the chart sets it with the certificate's files). Health and
 * metrics stay on the management interface.
 */
@ApplicationScoped
public class AdmissionEndpoint {

  private static final Logger LOG = Logger.getLogger(AdmissionEndpoint.class);

  /** Kubernetes objects are at most about 1.5 MiB; a review carries the old one as well. */
  private static final long BODY_LIMIT = 4L * 1024 * 1024;

  private final TenancyReview review = new TenancyReview();

  void routes(@Observes Router router, XaccessConfig config, Config quarkus, TenancyView view) {
    if (!config.admission().enabled()) {
      return;
    }
    boolean tls =
        quarkus.getOptionalValue("quarkus.http.ssl.certificate.files", String.class).isPresent()
            || quarkus
                .getOptionalValue("quarkus.http.ssl.certificate.key-store-file", String.class)
                .isPresent()
            || quarkus
                .getOptionalValue("quarkus.http.tls-configuration-name", String.class)
                .isPresent();
    if (!tls) {
      throw new IllegalStateException(
          "xaccess.admission.enabled needs a serving certificate: set"
              + " quarkus.http.ssl.certificate.files and quarkus.http.ssl.certificate.key-files"
              + " (the chart mounts them from a Secret)");
    }
    router
        .post(TenancyReview.PATH)
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .blockingHandler(
            ctx -> {
              if (!ctx.request().isSSL()) {
                ctx.response().setStatusCode(404).end();
                return;
              }
              var body = ctx.body().buffer();
              try {
                String answer = review.answer(body == null ? new byte[0] : body.getBytes(), view);
                ctx.response().putHeader("Content-Type", "application/json").end(answer);
              } catch (TenancyReview.MalformedReview e) {
                ctx.response().setStatusCode(400).end(e.getMessage());
              }
            },
            false);
    LOG.infof("admission: tenancy webhook at https %s", TenancyReview.PATH);
  }
}
