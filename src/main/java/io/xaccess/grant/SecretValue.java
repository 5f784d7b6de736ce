package io.xaccess.grant;

import java.util.Objects;

/**
 * A secret value read from a Kubernetes Secret (named so it cannot be mistaken for Fabric8's {@code
 * Secret}). {@link #toString()} never shows it, so it cannot leak into a log line, an event or a
 * status message by accident.
 */
public final class SecretValue {

  private final String value;

  public SecretValue(String value) {
    this.value = Objects.requireNonNull(value);
  }

  /** The value, for the one place that hands it to AWS. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "<secret>";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
