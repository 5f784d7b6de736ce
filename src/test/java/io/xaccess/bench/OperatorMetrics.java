package io.xaccess.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of the operator's Prometheus endpoint ({@code /q/metrics} on its management port),
 * parsed into samples; two scrapes give the work done in between.
 */
public final class OperatorMetrics {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade: plain, short-lived requests
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample: metric name, labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final int bytes;
  private final long scrapeMillis;

  private OperatorMetrics(List<Sample> samples, int bytes, long scrapeMillis) {
    this.samples = samples;
    this.bytes = bytes;
    this.scrapeMillis = scrapeMillis;
  }

  public static OperatorMetrics scrape(int managementPort) {
    try {
      return scrapeOnce(managementPort);
    } catch (java.io.UncheckedIOException e) {
      return scrapeOnce(managementPort); // one retry: a connection the server just closed
    }
  }

  private static OperatorMetrics scrapeOnce(int managementPort) {
    long start = System.nanoTime();
    String text;
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + managementPort + "/q/metrics"))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("/q/metrics answered " + response.statusCode());
      }
      text = response.body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    long took = (System.nanoTime() - start) / 1_000_000;
    List<Sample> samples = new java.util.ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      int brace = series.indexOf('{');
      String name = brace < 0 ? series : series.substring(0, brace);
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0) {
        Matcher m = LABEL.matcher(series.substring(brace));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      }
      samples.add(new Sample(name, labels, value));
    }
    return new OperatorMetrics(samples, text.length(), took);
  }

  /** Size of the scrape in bytes (it grows with per-resource metrics). */
  public int bytes() {
    return bytes;
  }

  public long scrapeMillis() {
    return scrapeMillis;
  }

  public int seriesCount() {
    return samples.size();
  }

  /** Sum of every sample of {@code name} whose labels pass {@code filter}. */
  public double sum(String name, Predicate<Map<String, String>> filter) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && filter.test(s.labels()))
        .mapToDouble(Sample::value)
        .sum();
  }

  public double sum(String name) {
    return sum(name, l -> true);
  }

  /** AWS calls so far, keyed {@code Service:Operation:outcome}. */
  public Map<String, Long> awsCalls() {
    Map<String, Long> calls = new TreeMap<>();
    samples.stream()
        .filter(s -> s.name().equals("xaccess_aws_calls_total"))
        .forEach(
            s ->
                calls.merge(
                    s.labels().get("service")
                        + ":"
                        + s.labels().get("operation")
                        + ":"
                        + s.labels().get("outcome"),
                    Math.round(s.value()),
                    Long::sum));
    return calls;
  }

  /** AWS calls made between {@code before} and this scrape, keyed as {@link #awsCalls()}. */
  public Map<String, Long> awsCallsSince(OperatorMetrics before) {
    return delta(before.awsCalls(), awsCalls());
  }

  /** Reconcile executions (the reconciler's own method calls) between two scrapes. */
  public long reconcilesSince(OperatorMetrics before, Predicate<Map<String, String>> filter) {
    String name = "operator_sdk_controllers_execution_reconcile_seconds_count";
    return Math.round(sum(name, filter) - before.sum(name, filter));
  }

  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          long d = v - before.getOrDefault(k, 0L);
          if (d != 0) {
            delta.put(k, d);
          }
        });
    return delta;
  }
}
