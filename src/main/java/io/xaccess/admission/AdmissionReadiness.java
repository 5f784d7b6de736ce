package io.xaccess.admission;

import io.xaccess.config.XaccessConfig;
import io.xaccess.tenancy.PolicyView;
import io.xaccess.tenancy.TenancyView;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A replica whose webhook has not read the policies yet is not ready, so the webhook Service sends
 * reviews only to replicas that can answer them (the others would refuse every grant).
 */
@Readiness
@ApplicationScoped
public class AdmissionReadiness implements HealthCheck {

  private final boolean enabled;
  private final PolicyView view;

  AdmissionReadiness(XaccessConfig config, TenancyView view) {
    this.enabled = config.admission().enabled();
    this.view = view;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("xaccess-admission")
        .status(!enabled || view.ready())
        .withData("enabled", enabled)
        .build();
  }
}
