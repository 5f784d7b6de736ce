package io.xaccess.grant;

import io.fabric8.kubernetes.api.model.Secret;

/** Where a grant's Secrets come from: one GET by name, nothing listed, cached or watched. */
@FunctionalInterface
public interface SecretSource {

  /** The Secret {@code namespace/name}, or null when there is none. */
  Secret get(String namespace, String name);
}
