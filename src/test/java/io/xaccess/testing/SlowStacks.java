package io.xaccess.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Stack operations that take time, as on AWS, for the proxy in front of moto, which finishes every
 * create and update within the call that starts it. Once a create (CreateStack) or an update
 * (ExecuteChangeSet) went through, DescribeStacks and ListStacks show the stack {@code
 * CREATE_IN_PROGRESS} or {@code UPDATE_IN_PROGRESS} until a duration drawn from [min, max] has
 * passed, then as moto has it. Deletes stay instant. When each operation ends is kept, so a
 * benchmark can tell how long after CloudFormation finished a grant was Ready.
 *
 * <p>A ListStacks that filters by status goes to moto as asked: moto answers with the stacks that
 * are in those statuses there, and the operations held here that show one of them are added for the
 * account and region that asked, as CloudFormation filters on its side. Asking moto for every stack
 * instead would make it render all of them (and every deleted one) for each listing: 270 ms of
 * moto's one-request-at-a-time time at 2,000 stacks, a cost of the emulation that AWS does not
 * have.
 */
public final class SlowStacks {

  /**
   * One stack operation: what moto will show once it ends, and when that is; the account and region
   * the stack is in, its id and creation time where known, and whether it was deleted since.
   */
  public record Operation(
      String completeStatus,
      String inProgressStatus,
      Instant ends,
      String account,
      String region,
      String stackId,
      Instant created,
      boolean deleted) {

    Operation deletedNow() {
      return new Operation(
          completeStatus, inProgressStatus, ends, account, region, stackId, created, true);
    }
  }

  /** Who sent a request: the account its credentials are of and the region it was signed for. */
  public record Caller(String account, String region) {}

  private static final Pattern STACK =
      Pattern.compile(
          "(<StackName>([^<]+)</StackName>)(.*?)(<StackStatus>)([A-Z_]+)(</StackStatus>)",
          Pattern.DOTALL);
  private static final Pattern MEMBER = Pattern.compile("<member>(.*?)</member>", Pattern.DOTALL);
  private static final Pattern SUMMARIES =
      Pattern.compile("<StackSummaries>(.*?)</StackSummaries>|<StackSummaries/>", Pattern.DOTALL);
  private static final Pattern NAME = Pattern.compile("<StackName>([^<]+)</StackName>");
  private static final Pattern STATUS = Pattern.compile("<StackStatus>([A-Z_]+)</StackStatus>");
  private static final Pattern STACK_ID = Pattern.compile("<StackId>([^<]+)</StackId>");
  private static final Pattern STACK_ARN =
      Pattern.compile("^arn:[^:]+:cloudformation:([^:]+):([0-9]+):stack/([^/]+)/.*$");

  private final Duration min;
  private final Duration max;
  private final Clock clock;
  private final Random random;
  private final Map<String, Operation> operations = new ConcurrentHashMap<>();

  public SlowStacks(Duration min, Duration max, Clock clock, long seed) {
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("max " + max + " is below min " + min);
    }
    this.min = min;
    this.max = max;
    this.clock = clock;
    this.random = new Random(seed);
  }

  public SlowStacks(Duration min, Duration max) {
    this(min, max, Clock.systemUTC(), 20261202L);
  }

  /** When each stack's latest create or update ends (or ended), by stack name. */
  public Map<String, Instant> ends() {
    Map<String, Instant> copy = new TreeMap<>();
    operations.forEach((name, op) -> copy.put(name, op.ends()));
    return copy;
  }

  /**
   * After moto answered {@code request} with {@code status} and {@code body}: a create or update
   * started, or a delete ended one; {@code caller} is asked only where neither the request nor the
   * answer names the stack's account and region.
   */
  void answered(
      AwsFaultProxy.AwsRequest request, int status, String body, Supplier<Caller> caller) {
    if (status != 200) {
      return;
    }
    String asked = request.form().get("StackName");
    String name = nameOf(asked);
    if (name == null) {
      return;
    }
    switch (request.action()) {
      case "CreateStack" -> {
        Matcher id = STACK_ID.matcher(body == null ? "" : body);
        start(name, id.find() ? id.group(1) : null, true, caller);
      }
      case "ExecuteChangeSet" ->
          start(name, asked.startsWith("arn:") ? asked : null, false, caller);
      case "DeleteStack" -> operations.computeIfPresent(name, (n, op) -> op.deletedNow());
      default -> {}
    }
  }

  private void start(String name, String stackId, boolean create, Supplier<Caller> caller) {
    long spread = max.minus(min).toMillis();
    long extra;
    synchronized (random) {
      extra = spread == 0 ? 0 : (long) (random.nextDouble() * spread);
    }
    Instant now = clock.instant();
    Operation before = create ? null : operations.get(name);
    String id = stackId != null ? stackId : before == null ? null : before.stackId();
    String account;
    String region;
    Matcher arn = id == null ? null : STACK_ARN.matcher(id);
    if (arn != null && arn.matches()) {
      region = arn.group(1);
      account = arn.group(2);
    } else if (before != null && before.account() != null) {
      account = before.account();
      region = before.region();
    } else {
      Caller who = caller.get();
      account = who == null ? null : who.account();
      region = who == null ? null : who.region();
    }
    operations.put(
        name,
        create
            ? new Operation(
                "CREATE_COMPLETE",
                "CREATE_IN_PROGRESS",
                now.plus(min).plusMillis(extra),
                account,
                region,
                id,
                now,
                false)
            : new Operation(
                "UPDATE_COMPLETE",
                "UPDATE_IN_PROGRESS",
                now.plus(min).plusMillis(extra),
                account,
                region,
                id,
                before == null ? now : before.created(),
                false));
  }

  /** A stack's name from its name or its ARN ({@code ...:stack/NAME/uuid}). */
  static String nameOf(String nameOrId) {
    if (nameOrId == null || nameOrId.isEmpty()) {
      return null;
    }
    int at = nameOrId.indexOf(":stack/");
    if (at < 0) {
      return nameOrId;
    }
    String rest = nameOrId.substring(at + ":stack/".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** Whether the stack's latest operation is still under way as shown here. */
  private boolean held(Operation op) {
    return op != null && !op.deleted() && clock.instant().isBefore(op.ends());
  }

  /** The status to show for a stack moto shows as {@code status}. */
  String shown(String name, String status) {
    Operation op = operations.get(name);
    if (held(op) && op.completeStatus().equals(status)) {
      return op.inProgressStatus();
    }
    return status;
  }

  /** DescribeStacks, with each stack's status as shown. */
  String describeStacks(String body) {
    Matcher m = STACK.matcher(body);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement =
          m.group(1) + m.group(3) + m.group(4) + shown(m.group(2), m.group(5)) + m.group(6);
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The statuses a ListStacks request filters by (empty: all). */
  static Set<String> filter(Map<String, String> form) {
    return form.entrySet().stream()
        .filter(e -> e.getKey().startsWith("StackStatusFilter.member."))
        .map(Map.Entry::getValue)
        .collect(Collectors.toSet());
  }

  /**
   * ListStacks as moto answered it for {@code caller}: each summary's status as shown, only those
   * the filter asks for, and, where the request filtered (so moto left them out), the operations
   * held here in that account and region whose in-progress status the filter asks for.
   */
  String listStacks(String body, Set<String> filter, Caller caller) {
    Matcher summaries = SUMMARIES.matcher(body);
    if (!summaries.find()) {
      return body;
    }
    StringBuilder kept = new StringBuilder();
    Set<String> names = new HashSet<>();
    String listed = summaries.group(1) == null ? "" : summaries.group(1);
    Matcher member = MEMBER.matcher(listed);
    while (member.find()) {
      String summary = member.group(1);
      Matcher name = NAME.matcher(summary);
      Matcher status = STATUS.matcher(summary);
      if (!name.find() || !status.find()) {
        continue;
      }
      names.add(name.group(1));
      String shown = shown(name.group(1), status.group(1));
      if (!filter.isEmpty() && !filter.contains(shown)) {
        continue;
      }
      kept.append("<member>")
          .append(
              status.replaceFirst(
                  Matcher.quoteReplacement("<StackStatus>" + shown + "</StackStatus>")))
          .append("</member>");
    }
    if (!filter.isEmpty() && caller != null) {
      new TreeMap<>(operations)
          .forEach(
              (name, op) -> {
                if (held(op)
                    && !names.contains(name)
                    && filter.contains(op.inProgressStatus())
                    && caller.account() != null
                    && caller.account().equals(op.account())
                    && caller.region() != null
                    && caller.region().equals(op.region())) {
                  kept.append("<member>");
                  if (op.stackId() != null) {
                    kept.append("<StackId>").append(op.stackId()).append("</StackId>");
                  }
                  kept.append("<StackName>")
                      .append(name)
                      .append("</StackName><CreationTime>")
                      .append(op.created())
                      .append("</CreationTime><StackStatus>")
                      .append(op.inProgressStatus())
                      .append("</StackStatus></member>");
                }
              });
    }
    return body.substring(0, summaries.start())
        + "<StackSummaries>"
        + kept
        + "</StackSummaries>"
        + body.substring(summaries.end());
  }
}
