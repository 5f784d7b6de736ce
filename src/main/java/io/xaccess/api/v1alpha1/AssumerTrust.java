package io.xaccess.api.v1alpha1;

/** Who may assume the development account's assumer role. */
public enum AssumerTrust {
  SSO,
  EC2,
  Lambda
}
