package io.xaccess.api.v1alpha1;

/** Where a grant is in its lifecycle; the conditions carry the details. */
public enum Phase {
  Pending,
  DeployingProduction,
  DeployingDevelopment,
  Verifying,
  Ready,
  Failed,
  Deleting
}
