package io.xaccess.testing;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The one place tests read and await grants (CrossAccountAccess resources) and their conditions, as
 * Keycloak's {@code CRAssert} does for its resources: every test speaks it, none re-implements it.
 * A wait that times out fails with what was awaited and the grant's conditions as the API server
 * last returned them.
 *
 * <p>A wait is for a grant with a status: the operator has seen it. Condition types and reasons are
 * the strings the operator writes ({@code "Ready"}, {@code "Stalled"}…).
 */
public final class Grants {

  /** How long a grant is given to converge unless a test says otherwise. */
  public static final Duration CONVERGE = Duration.ofSeconds(90);

  private static final Duration POLL = Duration.ofMillis(300);

  private final KubernetesClient client;
  private final Duration timeout;
  private final Runnable onTimeout;

  private Grants(KubernetesClient client, Duration timeout, Runnable onTimeout) {
    this.client = client;
    this.timeout = timeout;
    this.onTimeout = onTimeout;
  }

  /** Grants as {@code client} sees them, awaited for {@link #CONVERGE} at most. */
  public static Grants on(KubernetesClient client) {
    return new Grants(client, CONVERGE, () -> {});
  }

  /** The same, each wait given {@code timeout}. */
  public Grants within(Duration timeout) {
    return new Grants(client, timeout, onTimeout);
  }

  /** The same, running {@code report} (print the operator's log, say) when a wait times out. */
  public Grants onTimeout(Runnable report) {
    return new Grants(client, timeout, report);
  }

  // --- reading

  /** The grant, or null when there is none. */
  public CrossAccountAccess get(String namespace, String name) {
    return client.resources(CrossAccountAccess.class).inNamespace(namespace).withName(name).get();
  }

  public List<CrossAccountAccess> list(String namespace) {
    return client.resources(CrossAccountAccess.class).inNamespace(namespace).list().getItems();
  }

  /** How many grants in {@code namespace} have a status and match. */
  public long count(String namespace, Predicate<CrossAccountAccess> matching) {
    return list(namespace).stream().filter(g -> g.getStatus() != null && matching.test(g)).count();
  }

  // --- one grant's conditions

  public static Optional<Condition> condition(CrossAccountAccess grant, String type) {
    if (grant == null || grant.getStatus() == null || grant.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return grant.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  /** Whether the grant has condition {@code type} with {@code status} ("True", "False"…). */
  public static boolean has(CrossAccountAccess grant, String type, String status) {
    return condition(grant, type).map(c -> status.equals(c.getStatus())).orElse(false);
  }

  public static boolean isTrue(CrossAccountAccess grant, String type) {
    return has(grant, type, "True");
  }

  /** The reason of condition {@code type}, or "" when the grant has no such condition. */
  public static String reason(CrossAccountAccess grant, String type) {
    return condition(grant, type).map(Condition::getReason).orElse("");
  }

  /** The message of condition {@code type}, or "" when the grant has no such condition. */
  public static String message(CrossAccountAccess grant, String type) {
    return condition(grant, type).map(Condition::getMessage).orElse("");
  }

  /** Whether the operator's status describes {@code generation} of the grant's spec. */
  public static boolean observed(CrossAccountAccess grant, long generation) {
    return grant.getStatus() != null
        && grant.getStatus().getObservedGeneration() != null
        && grant.getStatus().getObservedGeneration() == generation;
  }

  // --- waiting for one grant

  /** Until the grant has a status and {@code until} holds; returns that version of it. */
  public CrossAccountAccess await(
      String namespace, String name, Predicate<CrossAccountAccess> until) {
    return await(namespace, name, "the awaited state", until);
  }

  /** Until the operator has written the grant's status. */
  public CrossAccountAccess awaitStatus(String namespace, String name) {
    return await(namespace, name, "a status", g -> true);
  }

  /** Until condition {@code type} has {@code status}. */
  public CrossAccountAccess awaitCondition(
      String namespace, String name, String type, String status) {
    return await(namespace, name, type + "=" + status, g -> has(g, type, status));
  }

  /** Until condition {@code type} has {@code status} for {@code reason}. */
  public CrossAccountAccess awaitCondition(
      String namespace, String name, String type, String status, String reason) {
    return await(
        namespace,
        name,
        type + "=" + status + " (" + reason + ")",
        g -> has(g, type, status) && reason.equals(reason(g, type)));
  }

  /** Until the grant is Ready. */
  public CrossAccountAccess awaitReady(String namespace, String name) {
    return awaitCondition(namespace, name, "Ready", "True");
  }

  /** Until the grant is Ready for {@code generation} of its spec. */
  public CrossAccountAccess awaitReady(String namespace, String name, long generation) {
    return await(
        namespace,
        name,
        "Ready=True at observedGeneration " + generation,
        g -> observed(g, generation) && isTrue(g, "Ready"));
  }

  /** Until the API server has no such grant (deleted, finalizers done). */
  public void awaitGone(String namespace, String name) {
    awaitUntil(
        "grant " + namespace + "/" + name + " to be gone",
        () -> get(namespace, name) == null,
        () -> describe(namespace, name));
  }

  /**
   * Until the grant has a status and {@code until} holds; {@code what} names the awaited state in
   * the failure message.
   */
  public CrossAccountAccess await(
      String namespace, String name, String what, Predicate<CrossAccountAccess> until) {
    CrossAccountAccess[] last = new CrossAccountAccess[1];
    awaitUntil(
        "grant " + namespace + "/" + name + " with " + what,
        () -> {
          CrossAccountAccess grant = get(namespace, name);
          last[0] = grant;
          return grant != null && grant.getStatus() != null && until.test(grant);
        },
        () -> describe(namespace, name));
    return last[0];
  }

  // --- waiting for every grant of a namespace

  /** Until {@code count} grants in {@code namespace} match; returns them. */
  public List<CrossAccountAccess> awaitAll(
      String namespace, int count, Predicate<CrossAccountAccess> matching) {
    awaitUntil(
        count + " grants in " + namespace + " in the awaited state",
        () -> count(namespace, matching) == count,
        () -> describeAll(namespace));
    return list(namespace).stream().filter(g -> g.getStatus() != null && matching.test(g)).toList();
  }

  /** Until {@code namespace} holds no grant. */
  public void awaitNoneLeft(String namespace) {
    awaitUntil(
        "no grant left in " + namespace,
        () -> list(namespace).isEmpty(),
        () -> describeAll(namespace));
  }

  // --- failure messages

  /** A grant's generation, phase and conditions, one line each, for a failure message. */
  public static String describe(CrossAccountAccess grant) {
    String id = grant.getMetadata().getNamespace() + "/" + grant.getMetadata().getName();
    if (grant.getStatus() == null) {
      return id + ": no status (generation " + grant.getMetadata().getGeneration() + ")";
    }
    StringBuilder text =
        new StringBuilder(id)
            .append(": generation ")
            .append(grant.getMetadata().getGeneration())
            .append(", observedGeneration ")
            .append(grant.getStatus().getObservedGeneration())
            .append(", phase ")
            .append(grant.getStatus().getPhase());
    if (grant.getMetadata().getDeletionTimestamp() != null) {
      text.append(", deleting (finalizers ")
          .append(grant.getMetadata().getFinalizers())
          .append(')');
    }
    for (Condition c : grant.getStatus().getConditions()) {
      text.append("\n  ")
          .append(c.getType())
          .append('=')
          .append(c.getStatus())
          .append(" (")
          .append(c.getReason())
          .append(") ")
          .append(c.getMessage());
      if (c.getObservedGeneration() != null) {
        text.append(" [observedGeneration ").append(c.getObservedGeneration()).append(']');
      }
    }
    return text.toString();
  }

  private String describe(String namespace, String name) {
    CrossAccountAccess grant = get(namespace, name);
    return grant == null ? namespace + "/" + name + ": gone" : describe(grant);
  }

  private String describeAll(String namespace) {
    List<CrossAccountAccess> all = list(namespace);
    return all.isEmpty()
        ? "no grant in " + namespace
        : all.stream().map(Grants::describe).collect(Collectors.joining("\n"));
  }

  private void awaitUntil(String what, Callable<Boolean> done, Callable<String> lastSeen) {
    try {
      Awaitility.await().atMost(timeout).pollInterval(POLL).until(done);
    } catch (ConditionTimeoutException timedOut) {
      onTimeout.run();
      String seen;
      try {
        seen = lastSeen.call();
      } catch (Exception e) {
        seen = "(could not read the grants: " + e + ")";
      }
      throw new AssertionError(
          "waited " + timeout + " in vain for " + what + "; last seen:\n" + seen, timedOut);
    }
  }
}
