package io.xaccess.drift;

import io.xaccess.drift.PolicyMeaning.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What changed in a live policy document against the declared one, in plain words ("statement
 * DevelopmentPrincipals: principal AWS:arn:aws:iam::333333333333:role/x added"); nothing when only
 * the form changed ({@link PolicyMeaning}). A statement is matched with its declared counterpart by
 * Sid, else by effect and resources, else by effect; what is left over was added or removed as a
 * whole. Values of secret condition keys (sts:ExternalId) are never written out.
 */
public final class PolicyDrift {

  /** Condition keys whose values are secrets: reports say that they changed, never to what. */
  private static final Set<String> SECRET_KEYS = Set.of("sts:externalid");

  static final String HIDDEN = "<hidden>";

  private PolicyDrift() {}

  /** The changes from {@code declared} to {@code live}; empty when they mean the same. */
  public static List<String> changes(PolicyMeaning declared, PolicyMeaning live) {
    List<String> out = new ArrayList<>();
    if (!declared.versionMatches(live)) {
      out.add("version " + declared.version() + " changed to " + live.version());
    }
    List<Statement> gone = new ArrayList<>(declared.statements());
    List<Statement> added = new ArrayList<>(live.statements());
    // Unchanged statements first (by meaning, whatever their Sid), one for one.
    for (Iterator<Statement> it = gone.iterator(); it.hasNext(); ) {
      Statement s = it.next();
      if (added.remove(s)) {
        it.remove();
      }
    }
    pair(gone, added, out, (a, b) -> !a.sid().isEmpty() && a.sid().equals(b.sid()));
    pair(
        gone,
        added,
        out,
        (a, b) -> a.effect().equals(b.effect()) && a.resources().equals(b.resources()));
    pair(gone, added, out, (a, b) -> a.effect().equals(b.effect()));
    gone.forEach(s -> out.add(s.label() + " removed"));
    added.forEach(s -> out.add(describe(s) + " added"));
    return List.copyOf(out);
  }

  private interface Match {
    boolean test(Statement declared, Statement live);
  }

  private static void pair(List<Statement> gone, List<Statement> added, List<String> out, Match m) {
    for (Iterator<Statement> it = gone.iterator(); it.hasNext(); ) {
      Statement d = it.next();
      for (Iterator<Statement> jt = added.iterator(); jt.hasNext(); ) {
        Statement l = jt.next();
        if (m.test(d, l)) {
          out.add(d.label() + ": " + String.join("; ", difference(d, l)));
          it.remove();
          jt.remove();
          break;
        }
      }
    }
  }

  /** Field by field, what {@code live} has that {@code declared} has not, and the reverse. */
  private static List<String> difference(Statement declared, Statement live) {
    List<String> out = new ArrayList<>();
    if (!declared.effect().equals(live.effect())) {
      out.add("effect " + declared.effect() + " changed to " + live.effect());
    }
    sets(out, "principal", declared.principals(), live.principals());
    sets(out, "not-principal", declared.notPrincipals(), live.notPrincipals());
    sets(out, "action", declared.actions(), live.actions());
    sets(out, "not-action", declared.notActions(), live.notActions());
    sets(out, "resource", declared.resources(), live.resources());
    sets(out, "not-resource", declared.notResources(), live.notResources());
    conditions(out, declared.conditions(), live.conditions());
    if (out.isEmpty()) {
      out.add("changed");
    }
    return out;
  }

  private static void sets(
      List<String> out, String what, SortedSet<String> declared, SortedSet<String> live) {
    PolicyMeaning.minus(live, declared).forEach(v -> out.add(what + " " + v + " added"));
    PolicyMeaning.minus(declared, live).forEach(v -> out.add(what + " " + v + " removed"));
  }

  private static void conditions(
      List<String> out,
      SortedMap<String, SortedSet<String>> declared,
      SortedMap<String, SortedSet<String>> live) {
    Set<String> keys = new TreeSet<>(declared.keySet());
    keys.addAll(live.keySet());
    for (String key : keys) {
      SortedSet<String> d = declared.get(key);
      SortedSet<String> l = live.get(key);
      if (d != null && d.equals(l)) {
        continue;
      }
      if (d == null) {
        out.add("condition " + key + " " + values(key, l) + " added");
      } else if (l == null) {
        out.add("condition " + key + " " + values(key, d) + " removed");
      } else if (secret(key)) {
        out.add("condition " + key + " changed");
      } else {
        PolicyMeaning.minus(l, d)
            .forEach(v -> out.add("condition " + key + " value " + v + " added"));
        PolicyMeaning.minus(d, l)
            .forEach(v -> out.add("condition " + key + " value " + v + " removed"));
      }
    }
  }

  /** A whole statement in a line: effect, principals, actions, resources, conditions. */
  static String describe(Statement s) {
    StringBuilder b = new StringBuilder(s.sid().isEmpty() ? "statement" : "statement " + s.sid());
    b.append(" (").append(s.effect());
    part(b, " for ", s.principals());
    part(b, " for all but ", s.notPrincipals());
    part(b, " ", s.actions());
    part(b, " all but ", s.notActions());
    part(b, " on ", s.resources());
    part(b, " on all but ", s.notResources());
    s.conditions().forEach((k, v) -> b.append(" if ").append(k).append(" ").append(values(k, v)));
    return b.append(")").toString();
  }

  private static void part(StringBuilder b, String lead, SortedSet<String> values) {
    if (!values.isEmpty()) {
      b.append(lead).append(String.join(", ", values));
    }
  }

  private static String values(String key, SortedSet<String> values) {
    if (secret(key)) {
      return HIDDEN;
    }
    return values.size() == 1 ? values.first() : "[" + String.join(", ", values) + "]";
  }

  private static boolean secret(String key) {
    // "StringEquals sts:externalid": the key after the operator.
    return SECRET_KEYS.contains(key.substring(key.indexOf(' ') + 1).toLowerCase(Locale.ROOT));
  }
}
