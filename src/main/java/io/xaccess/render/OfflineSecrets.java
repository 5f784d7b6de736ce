package io.xaccess.render;

import io.xaccess.api.v1alpha1.SecretKeySelector;
import io.xaccess.grant.GrantSecrets;
import io.xaccess.grant.SecretValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Offline, no Secret can be read: each reference resolves to a placeholder that names it ({@code
 * <external id: Secret ci-publisher-external-id key value>}), so a rendered policy shows where the
 * value comes from and never a value.
 */
final class OfflineSecrets implements GrantSecrets {

  private final String namespace;
  private final List<String> read = new ArrayList<>();

  OfflineSecrets(String namespace) {
    this.namespace = namespace;
  }

  /** The placeholder for an external id read from a Secret. */
  static String externalId(SecretKeySelector selector) {
    return "<external id: Secret " + selector.getName() + " key " + selector.getKey() + ">";
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public SecretValue read(SecretKeySelector selector, String field) {
    read.add(selector.getName());
    return new SecretValue("<Secret " + selector.getName() + " key " + selector.getKey() + ">");
  }

  @Override
  public Optional<SecretValue> readOptional(SecretKeySelector selector, String field) {
    return Optional.of(read(selector, field));
  }

  @Override
  public SecretValue readExternalId(SecretKeySelector selector, String field) {
    read.add(selector.getName());
    return new SecretValue(externalId(selector));
  }

  @Override
  public String version(String name) {
    return "offline:" + name;
  }

  @Override
  public List<String> versions() {
    return read.stream().distinct().map(this::version).toList();
  }
}
