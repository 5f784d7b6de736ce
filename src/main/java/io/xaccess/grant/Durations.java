package io.xaccess.grant;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax of the API ({@code 90m}, {@code 1h30m}, {@code 0}), as the CRD validates it.
 */
public final class Durations {

  private static final Pattern SYNTAX = Pattern.compile("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$");

  private Durations() {}

  public static Duration parse(String text) {
    if ("0".equals(text)) {
      return Duration.ZERO;
    }
    Matcher m = SYNTAX.matcher(text == null ? "" : text);
    if (text == null || text.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    return Duration.ofHours(group(m, 1)).plusMinutes(group(m, 2)).plusSeconds(group(m, 3));
  }

  private static long group(Matcher m, int i) {
    return m.group(i) == null ? 0 : Long.parseLong(m.group(i));
  }
}
