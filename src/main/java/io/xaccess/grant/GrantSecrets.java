package io.xaccess.grant;

import io.xaccess.api.v1alpha1.SecretKeySelector;
import java.util.List;
import java.util.Optional;

/**
 * What the Secret references of one grant's spec resolve to. The operator reads them (one GET each,
 * marked Secrets only: {@link GrantResolver}); {@code xaccess render}, offline, reads none and
 * stands in a placeholder that names the reference.
 */
public interface GrantSecrets {

  /** The namespace the references are in. */
  String namespace();

  /** The value of a key that must exist; {@code field} names the spec field that refers to it. */
  SecretValue read(SecretKeySelector selector, String field) throws GrantProblem;

  /** The value of a key that may be absent. */
  Optional<SecretValue> readOptional(SecretKeySelector selector, String field) throws GrantProblem;

  /** An external id: as {@link #read}, and valid as AWS's sts:ExternalId. */
  SecretValue readExternalId(SecretKeySelector selector, String field) throws GrantProblem;

  /**
   * The version of a Secret already read (changes whenever its data does), for change detection.
   */
  String version(String name);

  /** The versions of every Secret read so far. */
  List<String> versions();
}
