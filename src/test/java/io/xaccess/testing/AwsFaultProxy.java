package io.xaccess.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * An HTTP proxy on 127.0.0.1 between the operator and moto that can answer chosen requests with AWS
 * errors, as real AWS would (moto itself enforces no IAM and never throttles). It also counts
 * requests by API action, a check on the operator's own call counter.
 */
public final class AwsFaultProxy implements AutoCloseable {

  /** A request as the proxy sees it: form parameters (query protocol) plus the path. */
  public record AwsRequest(String method, String path, Map<String, String> form) {
    public String action() {
      return form.getOrDefault("Action", method + " " + path);
    }
  }

  /** An AWS error reply for the requests a predicate selects. */
  public record Fault(Predicate<AwsRequest> when, int status, String code, String message) {}

  /**
   * A reply the proxy gives itself, without asking moto, for the requests a predicate selects: an
   * AWS answer the emulator cannot give (an API it lacks, a state it never reaches).
   */
  public record Answer(Predicate<AwsRequest> when, int status, String body) {}

  /**
   * Moto's reply to the selected requests, changed on its way back (a state moto never reaches).
   */
  public record Rewrite(
      Predicate<AwsRequest> when, java.util.function.UnaryOperator<String> body) {}

  /** What random faults the proxy injects into a share of all requests. */
  public enum ChaosKind {
    /** 400 Throttling (query APIs) or 503 SlowDown (S3), as AWS throttles. */
    THROTTLING,
    /** 500 InternalError. */
    INTERNAL_ERROR,
    /** 503 ServiceUnavailable. */
    UNAVAILABLE,
    /** The connection closed with no reply. */
    CONNECTION_DROPPED,
    /** 2 s before the request goes to moto (and then succeeds). */
    LATENCY,
    // --- garbage: answers that are not AWS's, as proxies, load balancers and endpoints give ---
    /** 502 with an HTML page and no error code. */
    HTML_5XX,
    /** 200 with XML cut off in the middle. */
    TRUNCATED_XML,
    /** 200 with no body at all. */
    EMPTY_200,
    /** 200 with a JSON body where XML belongs. */
    WRONG_CONTENT_TYPE,
    /** 200 whose body stops half-way: the connection closes before the promised length. */
    RESET_MID_BODY;

    /** The faults AWS itself gives. */
    public static final Set<ChaosKind> AWS = java.util.EnumSet.range(THROTTLING, LATENCY);

    /** Answers that did not come from AWS at all. */
    public static final Set<ChaosKind> GARBAGE = java.util.EnumSet.range(HTML_5XX, RESET_MID_BODY);
  }

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "transfer-encoding",
          "keep-alive");

  /** Requests handled at once (replies of its own, latency); forwarding is bounded separately. */
  private static final int HANDLER_THREADS = 16;

  private final URI target;
  private final Semaphore turns;
  private final HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final List<Answer> answers = new CopyOnWriteArrayList<>();
  private final List<Rewrite> rewrites = new CopyOnWriteArrayList<>();
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Map<ChaosKind, LongAdder> injected = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final Map<String, LongAdder> busy = new ConcurrentHashMap<>();

  private static final ThreadLocal<Instant> ARRIVED = new ThreadLocal<>();

  /** Which subject (a grant) a request is for, when recording; null: none recorded. */
  private volatile java.util.function.Function<AwsRequest, String> subjectOf;

  /** Per subject: when each of its forwarded requests arrived here and when moto had answered. */
  private final Map<String, List<Instant[]>> timeline = new ConcurrentHashMap<>();

  /** Access key id -> the account moto has it in (for slow stacks' listings). */
  private final Map<String, String> accounts = new ConcurrentHashMap<>();

  private final java.util.Random random = new java.util.Random(20261128L);
  private volatile double chaosShare;
  private volatile ChaosKind[] chaosKinds = ChaosKind.AWS.toArray(ChaosKind[]::new);
  private volatile Duration latency = Duration.ofSeconds(2);
  private volatile SlowStacks slow;

  /** A proxy that forwards one request at a time: see {@link #AwsFaultProxy(URI, int)}. */
  public AwsFaultProxy(URI target) throws IOException {
    this(target, 1);
  }

  /**
   * A proxy that forwards at most {@code forwarded} requests to moto at a time, in arrival order;
   * one serialises every request, which keeps moto's backends (not thread-safe) consistent under
   * concurrent load. Only the forwarding waits its turn: faults, answers and injected latency are
   * handled beside it, so a delayed request delays no other.
   */
  public AwsFaultProxy(URI target, int forwarded) throws IOException {
    if (forwarded < 1) {
      throw new IllegalArgumentException("forwarded must be at least 1, was " + forwarded);
    }
    this.target = target;
    this.turns = new Semaphore(forwarded, true);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    java.util.concurrent.ExecutorService handlers =
        Executors.newFixedThreadPool(Math.max(HANDLER_THREADS, forwarded));
    // When the request came in, before it waited for a handler thread: part of its time here.
    server.setExecutor(
        task -> {
          Instant in = Instant.now();
          handlers.execute(
              () -> {
                ARRIVED.set(in);
                task.run();
              });
        });
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * From now on, stack creates and updates take time as {@code slow} says (null: moto's own, done
   * at once).
   */
  public void slowStacks(SlowStacks slow) {
    this.slow = slow;
  }

  public void add(Fault fault) {
    faults.add(fault);
  }

  public void clearFaults() {
    faults.clear();
    answers.clear();
    rewrites.clear();
    chaosShare = 0;
  }

  public void answer(Answer answer) {
    answers.add(answer);
  }

  public void rewrite(Rewrite rewrite) {
    rewrites.add(rewrite);
  }

  public void remove(Object rule) {
    faults.remove(rule);
    answers.remove(rule);
    rewrites.remove(rule);
  }

  /**
   * From now on, answers this share of all requests (0..1) with a random fault of the five kinds,
   * in equal parts; 0 stops. Seeded, so a run is repeatable in kind if not in timing.
   */
  public void chaos(double share) {
    chaos(share, ChaosKind.AWS);
  }

  /** As {@link #chaos(double)}, with faults of the given kinds, in equal parts. */
  public void chaos(double share, Set<ChaosKind> kinds) {
    this.chaosKinds = kinds.toArray(ChaosKind[]::new);
    this.chaosShare = share;
  }

  /** Faults injected so far by kind. */
  public Map<ChaosKind, Long> injected() {
    Map<ChaosKind, Long> copy = new java.util.EnumMap<>(ChaosKind.class);
    injected.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  /** Every request the proxy received, faulted or not. */
  public long requests() {
    return requests.sum();
  }

  private ChaosKind roll() {
    if (chaosShare <= 0) {
      return null;
    }
    synchronized (random) {
      if (random.nextDouble() >= chaosShare) {
        return null;
      }
      ChaosKind[] kinds = chaosKinds;
      return kinds[random.nextInt(kinds.length)];
    }
  }

  /**
   * Time moto spent answering so far, by API action (S3 by HTTP method): from forwarding a request
   * to its answer, with no other request forwarded meanwhile when the proxy forwards one at a time.
   */
  public Map<String, Duration> busy() {
    Map<String, Duration> copy = new java.util.TreeMap<>();
    busy.forEach((k, v) -> copy.put(k, Duration.ofNanos(v.sum())));
    return copy;
  }

  private static final java.util.regex.Pattern CREDENTIAL =
      java.util.regex.Pattern.compile("Credential=([^/,\\s]+)/[^/]+/([^/]+)/");

  /**
   * The account and region of the credentials that signed {@code exchange}; the account as moto has
   * it (GetCallerIdentity with the same access key, once per key), null if not signed.
   */
  private SlowStacks.Caller caller(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    java.util.regex.Matcher m = CREDENTIAL.matcher(authorization == null ? "" : authorization);
    if (!m.find()) {
      return null;
    }
    String key = m.group(1);
    String region = m.group(2);
    String account = accounts.get(key);
    if (account == null) {
      account =
          accountOf(key, region, exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"));
      if (account != null) {
        accounts.put(key, account);
      }
    }
    return new SlowStacks.Caller(account, region);
  }

  private String accountOf(String key, String region, String token) {
    HttpRequest.Builder ask =
        HttpRequest.newBuilder(target.resolve("/"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential="
                    + key
                    + "/20260101/"
                    + region
                    + "/sts/aws4_request, SignedHeaders=host, Signature=0")
            .POST(
                HttpRequest.BodyPublishers.ofString("Action=GetCallerIdentity&Version=2011-06-15"));
    if (token != null) {
      ask.header("X-Amz-Security-Token", token);
    }
    try {
      turns.acquire();
      try {
        String answer = http.send(ask.build(), HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher account =
            java.util.regex.Pattern.compile("<Account>([0-9]+)</Account>").matcher(answer);
        return account.find() ? account.group(1) : null;
      } finally {
        turns.release();
      }
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * From now on, records for each forwarded request the subject {@code subjectOf} names (null: not
   * recorded) with when it arrived here and when moto's answer was back: the time a subject spent
   * waiting for moto and being answered, as {@link #atMoto} sums it.
   */
  public void recordBy(java.util.function.Function<AwsRequest, String> subjectOf) {
    this.subjectOf = subjectOf;
  }

  /**
   * The recorded requests of {@code subject}: when each arrived here and when moto had answered.
   */
  public List<Instant[]> spans(String subject) {
    List<Instant[]> spans = timeline.getOrDefault(subject, List.of());
    synchronized (spans) {
      return List.copyOf(spans);
    }
  }

  /**
   * How long requests of {@code subject} were at moto (queued behind others, forwarded one at a
   * time, answered) within [from, to]; overlapping requests count once.
   */
  public Duration atMoto(String subject, Instant from, Instant to) {
    List<Instant[]> spans = timeline.getOrDefault(subject, List.of());
    List<Instant[]> clipped = new java.util.ArrayList<>();
    synchronized (spans) {
      for (Instant[] span : spans) {
        Instant a = span[0].isBefore(from) ? from : span[0];
        Instant b = span[1].isAfter(to) ? to : span[1];
        if (a.isBefore(b)) {
          clipped.add(new Instant[] {a, b});
        }
      }
    }
    clipped.sort(java.util.Comparator.comparing((Instant[] span) -> span[0]));
    Duration total = Duration.ZERO;
    Instant covered = from;
    for (Instant[] span : clipped) {
      Instant a = span[0].isBefore(covered) ? covered : span[0];
      if (a.isBefore(span[1])) {
        total = total.plus(Duration.between(a, span[1]));
        covered = span[1];
      }
    }
    return total;
  }

  /** Requests so far by API action. */
  public Map<String, Long> counts() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Instant arrived = ARRIVED.get() == null ? Instant.now() : ARRIVED.get();
      byte[] body = exchange.getRequestBody().readAllBytes();
      AwsRequest request =
          new AwsRequest(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              form(exchange, body));
      counts.computeIfAbsent(request.action(), k -> new LongAdder()).increment();
      requests.increment();
      Optional<Fault> fault = faults.stream().filter(f -> f.when().test(request)).findFirst();
      if (fault.isPresent()) {
        reply(exchange, fault.get().status(), errorXml(fault.get()));
        return;
      }
      Optional<Answer> answer = answers.stream().filter(a -> a.when().test(request)).findFirst();
      if (answer.isPresent()) {
        reply(
            exchange, answer.get().status(), answer.get().body().getBytes(StandardCharsets.UTF_8));
        return;
      }
      ChaosKind chaos = roll();
      if (chaos != null) {
        injected.computeIfAbsent(chaos, k -> new LongAdder()).increment();
        boolean s3 = !request.form().containsKey("Action");
        switch (chaos) {
          case THROTTLING -> {
            reply(
                exchange,
                s3 ? 503 : 400,
                errorXml(
                    new Fault(
                        r -> true, 0, s3 ? "SlowDown" : "Throttling", "Rate exceeded (injected)")));
            return;
          }
          case INTERNAL_ERROR -> {
            reply(exchange, 500, errorXml(new Fault(r -> true, 0, "InternalError", "injected")));
            return;
          }
          case UNAVAILABLE -> {
            reply(
                exchange, 503, errorXml(new Fault(r -> true, 0, "ServiceUnavailable", "injected")));
            return;
          }
          case CONNECTION_DROPPED -> {
            // No status line: the client sees the connection end mid-exchange.
            return;
          }
          case LATENCY -> Thread.sleep(latency.toMillis());
          case HTML_5XX -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            reply(
                exchange,
                502,
                "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
                    .getBytes(StandardCharsets.UTF_8));
            return;
          }
          case TRUNCATED_XML -> {
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            reply(
                exchange,
                200,
                "<?xml version=\"1.0\"?><Response><Result><Stacks><member><StackId>arn:aws:clo"
                    .getBytes(StandardCharsets.UTF_8));
            return;
          }
          case EMPTY_200 -> {
            reply(exchange, 200, new byte[0]);
            return;
          }
          case WRONG_CONTENT_TYPE -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            reply(exchange, 200, "{\"message\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
            return;
          }
          case RESET_MID_BODY -> {
            byte[] half =
                "<?xml version=\"1.0\"?><Response><Result>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, half.length * 4L);
            exchange.getResponseBody().write(half);
            exchange.getResponseBody().flush();
            return; // closing the exchange now ends the connection short of the promised length
          }
        }
      }
      Optional<Rewrite> rewrite = rewrites.stream().filter(r -> r.when().test(request)).findFirst();
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
              .timeout(Duration.ofSeconds(60))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                  values.forEach(v -> forward.header(name, v));
                }
              });
      HttpResponse<byte[]> response;
      turns.acquire();
      long sent = System.nanoTime();
      try {
        response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } finally {
        java.util.function.Function<AwsRequest, String> subjects = subjectOf;
        String subject = subjects == null ? null : subjects.apply(request);
        if (subject != null) {
          List<Instant[]> spans =
              timeline.computeIfAbsent(
                  subject,
                  k -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()));
          spans.add(new Instant[] {arrived, Instant.now()});
        }
        busy.computeIfAbsent(
                request.form().containsKey("Action") ? request.action() : "S3 " + request.method(),
                k -> new LongAdder())
            .add(System.nanoTime() - sent);
        turns.release();
      }
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] replyBody = response.body();
      if (rewrite.isPresent()) {
        replyBody =
            rewrite
                .get()
                .body()
                .apply(new String(replyBody, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
      }
      if ("DescribeStacks".equals(request.action())) {
        replyBody =
            listParametersAsAws(new String(replyBody, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
      }
      SlowStacks slowStacks = slow;
      if (slowStacks != null) {
        byte[] answered = replyBody;
        slowStacks.answered(
            request,
            response.statusCode(),
            new String(answered, StandardCharsets.UTF_8),
            () -> caller(exchange));
        if ("DescribeStacks".equals(request.action())) {
          replyBody =
              slowStacks
                  .describeStacks(new String(replyBody, StandardCharsets.UTF_8))
                  .getBytes(StandardCharsets.UTF_8);
        } else if ("ListStacks".equals(request.action())) {
          replyBody =
              slowStacks
                  .listStacks(
                      new String(replyBody, StandardCharsets.UTF_8),
                      SlowStacks.filter(request.form()),
                      caller(exchange))
                  .getBytes(StandardCharsets.UTF_8);
        }
      }
      reply(exchange, response.statusCode(), replyBody);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final java.util.regex.Pattern PYTHON_LIST =
      java.util.regex.Pattern.compile("<ParameterValue>\\[([^<]*)\\]</ParameterValue>");

  /**
   * Always, whatever the faults: moto's DescribeStacks shows a CommaDelimitedList parameter as a
   * Python list ({@code ['a', 'b']}), where CloudFormation shows what was sent ({@code a,b}); so
   * the operator reads deployed parameters as it would from AWS (MOTO.md).
   */
  static String listParametersAsAws(String body) {
    java.util.regex.Matcher m = PYTHON_LIST.matcher(body);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      List<String> items = new java.util.ArrayList<>();
      for (String item : m.group(1).split(", ")) {
        String unquoted = item.strip();
        if (unquoted.length() >= 2
            && (unquoted.startsWith("'")
                || unquoted.startsWith("&#x27;")
                || unquoted.startsWith("&apos;"))) {
          unquoted = unquoted.replaceAll("^('|&#x27;|&apos;)|('|&#x27;|&apos;)$", "");
        }
        if (!unquoted.isEmpty()) {
          items.add(unquoted);
        }
      }
      m.appendReplacement(
          out,
          java.util.regex.Matcher.quoteReplacement(
              "<ParameterValue>" + String.join(",", items) + "</ParameterValue>"));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    boolean noBody = body.length == 0 || "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] errorXml(Fault fault) {
    return ("<ErrorResponse><Error><Type>Sender</Type><Code>"
            + fault.code()
            + "</Code><Message>"
            + fault.message()
            + "</Message></Error><RequestId>xaccess-fault</RequestId></ErrorResponse>")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> form(HttpExchange exchange, byte[] body) {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    Map<String, String> form = new java.util.HashMap<>();
    if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
      for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return form;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
