package io.xaccess.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Test manifests as plain maps, so a test can break exactly one field of a valid resource. */
final class Manifests {

  private Manifests() {}

  /** A fresh copy of src/test/resources/manifests/{name}. */
  static GenericKubernetesResource load(String name) {
    try (InputStream in = Manifests.class.getResourceAsStream("/manifests/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no manifest " + name);
      }
      return Serialization.unmarshal(in, GenericKubernetesResource.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets a dotted path such as {@code spec.bucket.name}, creating objects on the way. */
  @SuppressWarnings("unchecked")
  static void set(GenericKubernetesResource resource, String path, Object value) {
    String[] keys = path.split("\\.");
    Map<String, Object> node = root(resource);
    for (int i = 0; i < keys.length - 1; i++) {
      node =
          (Map<String, Object>) node.computeIfAbsent(keys[i], k -> new java.util.LinkedHashMap<>());
    }
    node.put(keys[keys.length - 1], value);
  }

  /** The value at a dotted path, or null. */
  @SuppressWarnings("unchecked")
  static Object get(GenericKubernetesResource resource, String path) {
    Object node = root(resource);
    for (String key : path.split("\\.")) {
      node = node instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(key) : null;
    }
    return node;
  }

  /** Removes a dotted path. */
  @SuppressWarnings("unchecked")
  static void remove(GenericKubernetesResource resource, String path) {
    String[] keys = path.split("\\.");
    Map<String, Object> node = root(resource);
    for (int i = 0; i < keys.length - 1; i++) {
      node = (Map<String, Object>) node.get(keys[i]);
    }
    node.remove(keys[keys.length - 1]);
  }

  private static Map<String, Object> root(GenericKubernetesResource resource) {
    // The spec lives in additionalProperties of a generic resource.
    return resource.getAdditionalProperties();
  }

  /** A change that sets {@code path} to {@code value}. */
  static java.util.function.Consumer<GenericKubernetesResource> setting(String path, Object value) {
    return r -> set(r, path, value);
  }

  /** A change that removes {@code path}. */
  static java.util.function.Consumer<GenericKubernetesResource> removing(String path) {
    return r -> remove(r, path);
  }

  static List<String> list(String... values) {
    return List.of(values);
  }
}
