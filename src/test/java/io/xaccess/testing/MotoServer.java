package io.xaccess.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A moto server process on a free 127.0.0.1 port: the AWS endpoint for both test accounts. One per
 * test JVM ({@link #shared()}), started from the project's virtualenv ({@code tools/setup-venv.sh})
 * through xaccess's launcher {@code tools/moto/xaccess_moto.py}, which patches four gaps of moto
 * before it runs moto's own server (MOTO.md).
 */
public final class MotoServer {

  /**
   * A part of the moto process's command line, by which tools find it among a JVM's descendants
   * (moto's own {@code moto_server} entry point, or xaccess's launcher that replaced it).
   */
  public static final List<String> COMMAND_LINE_MARKS = List.of("xaccess_moto.py", "moto_server");

  /** Whether a process's command line is that of a moto server. */
  public static boolean isMotoCommandLine(String commandLine) {
    return COMMAND_LINE_MARKS.stream().anyMatch(commandLine::contains);
  }

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static MotoServer shared;

  private final Process process;
  private final URI endpoint;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private MotoServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /** The moto server of this JVM, started on first use and stopped when the JVM exits. */
  public static synchronized MotoServer shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "moto-server-stop"));
    }
    return shared;
  }

  /** The folder {@code make test} installs the test tools into (see pom.xml). */
  public static Path toolsDir() {
    return Path.of(System.getProperty("tests.tools.dir", ".tools")).toAbsolutePath();
  }

  /** A separate moto server, for tests that must not share state; stopped when the JVM exits. */
  public static MotoServer startNew() {
    MotoServer server = start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "moto-server-stop"));
    return server;
  }

  /**
   * The project's root folder, where {@code tools/} is: {@code tests.project.dir} (set by pom.xml),
   * else the working directory (Maven runs the tests and {@code make dev} from the root).
   */
  public static Path projectDir() {
    return Path.of(System.getProperty("tests.project.dir", "")).toAbsolutePath();
  }

  /** xaccess's moto launcher: moto 5.2.5 with the patches MOTO.md lists. */
  public static Path launcher() {
    return projectDir().resolve("tools/moto/xaccess_moto.py");
  }

  static MotoServer start() {
    Path python = toolsDir().resolve("venv/bin/python");
    if (!Files.isExecutable(python)) {
      throw new IllegalStateException(
          python + " is missing: run 'make test' (or tools/setup-venv.sh) to install moto");
    }
    Path launcher = launcher();
    if (!Files.isRegularFile(launcher)) {
      throw new IllegalStateException(
          launcher
              + " is missing: run the tests from the project's root (or set tests.project.dir)");
    }
    try {
      int port = freePort();
      Path log = Files.createTempFile("moto-server", ".log");
      Process process =
          new ProcessBuilder(
                  List.of(
                      python.toString(), launcher.toString(), "-H", "127.0.0.1", "-p", "" + port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint to give the AWS SDK ({@code endpointOverride} or {@code AWS_ENDPOINT_URL}). */
  public URI endpoint() {
    return endpoint;
  }

  /** Forgets every resource in every account and region, as between test classes. */
  public void reset() {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset")).POST(noBody()));
    if (response.statusCode() != 200) {
      throw new IllegalStateException("moto reset failed: " + response.statusCode());
    }
  }

  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto server exited at start-up; see " + log);
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(Duration.ofMillis(100));
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "moto server did not answer within " + STARTUP_TIMEOUT + "; see " + log);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
