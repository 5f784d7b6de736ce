package io.xaccess.testing;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.xaccess.api.v1alpha1.CrossAccountAccess;

/**
 * A grant between the test accounts (production 111111111111 in ap-southeast-2, development
 * 222222222222 in us-east-1) as a user writes it, with room for extra lines in each section.
 */
public final class GrantYaml {

  private final String namespace;
  private final String name;
  private String bucket;
  private String role;
  private String production = "";
  private String development = "";
  private String bucketExtra = "";
  private String spec = "";
  private java.util.List<String> actions = java.util.List.of();

  private GrantYaml(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
    this.bucket = "xaccess-it-" + name;
    this.role = "DevToProdS3Publisher-" + name;
  }

  public static GrantYaml of(String namespace, String name) {
    return new GrantYaml(namespace, name);
  }

  public GrantYaml bucket(String bucket) {
    this.bucket = bucket;
    return this;
  }

  /** The production role's name: unique per grant, as two grants may not share one. */
  public GrantYaml role(String role) {
    this.role = role;
    return this;
  }

  /** spec.role.actions. */
  public GrantYaml roleActions(String... actions) {
    this.actions = java.util.List.of(actions);
    return this;
  }

  /** Lines under spec.production, indented four spaces, each ending in a newline. */
  public GrantYaml production(String lines) {
    this.production = lines;
    return this;
  }

  /** Lines under spec.development, indented four spaces. */
  public GrantYaml development(String lines) {
    this.development = lines;
    return this;
  }

  /** Lines under spec.bucket, indented four spaces. */
  public GrantYaml bucketLines(String lines) {
    this.bucketExtra = lines;
    return this;
  }

  /** Lines under spec, indented two spaces. */
  public GrantYaml spec(String lines) {
    this.spec = lines;
    return this;
  }

  public String render() {
    return "apiVersion: xaccess.io/v1alpha1\n"
        + "kind: CrossAccountAccess\n"
        + "metadata: {name: "
        + name
        + ", namespace: "
        + namespace
        + "}\n"
        + "spec:\n"
        + "  production:\n    accountId: \"111111111111\"\n    region: ap-southeast-2\n"
        + production
        + "  development:\n    accountId: \"222222222222\"\n    region: us-east-1\n"
        + development
        + "  bucket:\n    name: "
        + bucket
        + "\n"
        + bucketExtra
        + "  role: {name: "
        + role
        + (actions.isEmpty() ? "" : ", actions: [" + String.join(", ", actions) + "]")
        + "}\n"
        + spec;
  }

  public CrossAccountAccess resource() {
    return Serialization.unmarshal(render(), CrossAccountAccess.class);
  }
}
