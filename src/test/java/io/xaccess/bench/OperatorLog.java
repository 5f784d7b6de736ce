package io.xaccess.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's log as the bench reads it: timestamps of given lines (start-up, first reconcile)
 * and its warnings and errors, grouped by message with names and numbers masked.
 */
public final class OperatorLog {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
  private static final Pattern LINE =
      Pattern.compile(
          "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) (\\w+)\\s+\\[([^\\]]*)\\] \\(([^)]*)\\) (.*)$");

  /** One parsed line. */
  public record Line(Instant time, String level, String category, String message) {}

  /** A warning or error, how often it occurred, and one example. */
  public record Problem(String level, long count, String example) {}

  private final Path file;

  public OperatorLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public List<Line> lines() {
    try {
      return Files.readAllLines(file).stream()
          .map(LINE::matcher)
          .filter(Matcher::matches)
          .map(
              m ->
                  new Line(
                      LocalDateTime.parse(m.group(1), TIME)
                          .atZone(ZoneId.systemDefault())
                          .toInstant(),
                      m.group(2),
                      m.group(3),
                      m.group(5)))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first line whose message contains {@code text}. */
  public Optional<Line> first(String text) {
    return lines().stream().filter(l -> l.message().contains(text)).findFirst();
  }

  /** How many lines contain {@code text}. */
  public long count(String text) {
    return lines().stream().filter(l -> l.message().contains(text)).count();
  }

  /** WARN and ERROR lines of several logs grouped by message, grant names and numbers masked. */
  public static List<Problem> problems(List<OperatorLog> logs) {
    Map<String, Problem> grouped = new LinkedHashMap<>();
    logs.forEach(log -> log.problems(grouped));
    return List.copyOf(grouped.values());
  }

  private void problems(Map<String, Problem> grouped) {
    for (Line line : lines()) {
      if (!line.level().equals("WARN") && !line.level().equals("ERROR")) {
        continue;
      }
      String key =
          line.level()
              + " "
              + line.category()
              + ": "
              + line.message()
                  .replaceAll("bench/[\\w.-]+", "bench/<grant>")
                  .replaceAll("xaccess-bench-[\\w-]+", "<name>")
                  .replaceAll("\\d+", "N");
      grouped.merge(
          key,
          new Problem(line.level(), 1, line.category() + ": " + line.message()),
          (a, b) -> new Problem(a.level(), a.count() + 1, a.example()));
    }
  }
}
