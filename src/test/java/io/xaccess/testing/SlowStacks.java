package io.xaccess.testing;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Stack operations that take time, as on AWS, for the proxy in front of moto, which finishes every
 * create and update within the call that starts it. Once a create (CreateStack) or an update
 * (ExecuteChangeSet) went through, DescribeStacks and ListStacks show the stack {@code
 * CREATE_IN_PROGRESS} or {@code UPDATE_IN_PROGRESS} until a duration drawn from [min, max] has
 * passed, then as moto has it. Deletes stay instant. What ListStacks filters by status is filtered
 * here, on the statuses shown. When each operation ends is kept, so a benchmark can tell how long
 * after CloudFormation finished a grant was Ready.
 */
public final class SlowStacks {

  /** One stack operation: what moto will show once it ends, and when that is. */
  public record Operation(String completeStatus, String inProgressStatus, Instant ends) {}

  private static final Pattern STACK =
      Pattern.compile(
          "(<StackName>([^<]+)</StackName>)(.*?)(<StackStatus>)([A-Z_]+)(</StackStatus>)",
          Pattern.DOTALL);
  private static final Pattern MEMBER = Pattern.compile("<member>(.*?)</member>", Pattern.DOTALL);
  private static final Pattern SUMMARIES =
      Pattern.compile("<StackSummaries>(.*?)</StackSummaries>", Pattern.DOTALL);
  private static final Pattern NAME = Pattern.compile("<StackName>([^<]+)</StackName>");
  private static final Pattern STATUS = Pattern.compile("<StackStatus>([A-Z_]+)</StackStatus>");

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

  /** After moto answered {@code request} with {@code status}: a create or update started. */
  void answered(AwsFaultProxy.AwsRequest request, int status) {
    if (status != 200) {
      return;
    }
    String name = nameOf(request.form().get("StackName"));
    if (name == null) {
      return;
    }
    switch (request.action()) {
      case "CreateStack" -> start(name, "CREATE_COMPLETE", "CREATE_IN_PROGRESS");
      case "ExecuteChangeSet" -> start(name, "UPDATE_COMPLETE", "UPDATE_IN_PROGRESS");
      default -> {}
    }
  }

  private void start(String name, String complete, String inProgress) {
    long spread = max.minus(min).toMillis();
    long extra;
    synchronized (random) {
      extra = spread == 0 ? 0 : (long) (random.nextDouble() * spread);
    }
    operations.put(
        name, new Operation(complete, inProgress, clock.instant().plus(min).plusMillis(extra)));
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

  /** The status to show for a stack moto shows as {@code status}. */
  String shown(String name, String status) {
    Operation op = operations.get(name);
    if (op != null && op.completeStatus().equals(status) && clock.instant().isBefore(op.ends())) {
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

  /** A ListStacks request without its status filter: statuses are filtered on the way back. */
  static byte[] unfiltered(byte[] body) {
    String form = new String(body, StandardCharsets.UTF_8);
    String kept =
        java.util.Arrays.stream(form.split("&"))
            .filter(pair -> !pair.startsWith("StackStatusFilter.member."))
            .collect(Collectors.joining("&"));
    return kept.getBytes(StandardCharsets.UTF_8);
  }

  /** ListStacks, with each summary's status as shown, and only those the filter asked for. */
  String listStacks(String body, Set<String> filter) {
    Matcher summaries = SUMMARIES.matcher(body);
    if (!summaries.find()) {
      return body;
    }
    StringBuilder kept = new StringBuilder();
    Matcher member = MEMBER.matcher(summaries.group(1));
    while (member.find()) {
      String summary = member.group(1);
      Matcher name = NAME.matcher(summary);
      Matcher status = STATUS.matcher(summary);
      if (!name.find() || !status.find()) {
        continue;
      }
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
    return body.substring(0, summaries.start(1)) + kept + body.substring(summaries.end(1));
  }
}
