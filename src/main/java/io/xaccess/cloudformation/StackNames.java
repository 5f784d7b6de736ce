package io.xaccess.cloudformation;

import io.xaccess.grant.Side;
import java.util.List;

/**
 * Deterministic names: {@code xaccess-<namespace>-<name>-<hash>-prod|-dev} for stacks, where the
 * hash is of {@code <namespace>/<name>} (a slash neither may hold), so two grants never share a
 * stack name, and the verifier role's name. The same resource always maps to the same names, so a
 * restarted operator finds what it created. Stacks made before the hash was added ({@link #legacy})
 * are still found, and kept, when they carry the grant's uid.
 */
public final class StackNames {

  private static final int MAX_STACK_NAME = 128;
  private static final int MAX_ROLE_NAME = 64;

  private StackNames() {}

  /** The stack of one side of the grant {@code namespace/name}. */
  public static String of(Side side, String namespace, String name) {
    return stackName(namespace, name, "-" + shortHash(namespace, name) + side.stackSuffix());
  }

  /**
   * The name stacks had before: {@code xaccess-<namespace>-<name>-prod}, ambiguous ({@code team} +
   * {@code a-x} and {@code team-a} + {@code x} share it), so only ever used for a stack whose uid
   * tag proves it is the grant's.
   */
  public static String legacy(Side side, String namespace, String name) {
    return stackName(namespace, name, side.stackSuffix());
  }

  /** The name in a stack's ARN ({@code arn:...:stack/<name>/<id>}); the ARN itself if none. */
  public static String nameOf(String stackId) {
    int start = stackId.indexOf(":stack/");
    if (start < 0) {
      return stackId;
    }
    int end = stackId.indexOf('/', start + 7);
    return end < 0 ? stackId.substring(start + 7) : stackId.substring(start + 7, end);
  }

  /** Where to look for a grant's stack, in order: its name, then the name it may have had. */
  public static List<String> candidates(Side side, String namespace, String name) {
    String current = of(side, namespace, name);
    String former = legacy(side, namespace, name);
    return current.equals(former) ? List.of(current) : List.of(current, former);
  }

  public static String production(String namespace, String name) {
    return of(Side.PRODUCTION, namespace, name);
  }

  public static String development(String namespace, String name) {
    return of(Side.DEVELOPMENT, namespace, name);
  }

  /** The verifier role in the development account, unique per resource. */
  public static String verifierRole(String namespace, String name) {
    String role = "xaccess-verifier-" + Hashing.sha256(namespace + "/" + name).substring(0, 16);
    return role.substring(0, Math.min(role.length(), MAX_ROLE_NAME));
  }

  /** The session name the verifier uses: {@code xaccess-<ns>-<name>}, at most 64 characters. */
  public static String verificationSession(String namespace, String name) {
    String session = ("xaccess-" + namespace + "-" + name).replaceAll("[^\\w+=,.@-]", "-");
    if (session.length() <= 64) {
      return session;
    }
    return session.substring(0, 47) + "-" + Hashing.sha256(namespace + "/" + name).substring(0, 16);
  }

  private static String shortHash(String namespace, String name) {
    return Hashing.sha256(namespace + "/" + name).substring(0, 10);
  }

  private static String stackName(String namespace, String name, String suffix) {
    // Kubernetes names may hold dots; stack names may not.
    String base = ("xaccess-" + namespace + "-" + name).replace('.', '-');
    if (base.length() + suffix.length() <= MAX_STACK_NAME) {
      return base + suffix;
    }
    String hash = Hashing.sha256(namespace + "/" + name).substring(0, 8);
    return base.substring(0, MAX_STACK_NAME - suffix.length() - hash.length() - 1)
        + "-"
        + hash
        + suffix;
  }
}
