package io.xaccess.cloudformation;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The grant a stack must belong to before the operator updates or deletes it: every stack xaccess
 * creates carries the grant's {@code metadata.uid} in its {@code xaccess.io/uid} tag (and its
 * namespace and name). A stack found under a grant's name with another uid, or none, is someone
 * else's and is never touched.
 *
 * @param uid the grant's uid
 * @param namespace the grant's namespace
 * @param name the grant's name
 * @param adoptUid the uid of an earlier grant of the same namespace and name whose stacks this one
 *     may take over (annotation {@value io.xaccess.grant.GrantResolver#ADOPT_UID_ANNOTATION}), if
 *     set
 * @param adoptable names of stacks made by hand that the grant's spec names (production.stackName,
 *     development.stackName): such a stack may be taken over while it carries no uid tag at all,
 *     that is while nothing else claims it
 */
public record StackOwner(
    String uid, String namespace, String name, Optional<String> adoptUid, Set<String> adoptable) {

  public StackOwner {
    adoptable = Set.copyOf(adoptable);
  }

  /** A grant that names no stack of its own. */
  public StackOwner(String uid, String namespace, String name, Optional<String> adoptUid) {
    this(uid, namespace, name, adoptUid, Set.of());
  }

  public static final String UID_TAG = "xaccess.io/uid";
  public static final String NAMESPACE_TAG = "xaccess.io/namespace";
  public static final String NAME_TAG = "xaccess.io/name";

  /** Whether the stack is this grant's own (or one it was told to adopt). */
  public boolean owns(ObservedStack stack) {
    String tagged = stack.tags().get(UID_TAG);
    if (tagged == null) {
      return adopting(stack);
    }
    if (tagged.equals(uid)) {
      return true;
    }
    // Adoption only of a stack made for the same namespace/name: an annotation cannot reach into
    // another namespace's stacks, whatever uid it names.
    return adoptUid.filter(tagged::equals).isPresent()
        && namespace.equals(stack.tags().get(NAMESPACE_TAG))
        && name.equals(stack.tags().get(NAME_TAG));
  }

  /**
   * Whether the stack is one made by hand that the grant's spec names and nothing claims yet: the
   * grant takes it over with its first update, which tags it with the grant's uid.
   */
  public boolean adopting(ObservedStack stack) {
    return !stack.tags().containsKey(UID_TAG) && adoptable.contains(stack.stackName());
  }

  /** Who the stack belongs to, in words, for a status message. */
  public static String ownerOf(ObservedStack stack) {
    Map<String, String> tags = stack.tags();
    String tagged = tags.get(UID_TAG);
    if (tagged == null) {
      return "no xaccess grant (it carries no " + UID_TAG + " tag)";
    }
    String ns = tags.get(NAMESPACE_TAG);
    String n = tags.get(NAME_TAG);
    return "the grant "
        + (ns != null && n != null ? ns + "/" + n + " " : "")
        + "with uid "
        + tagged;
  }
}
