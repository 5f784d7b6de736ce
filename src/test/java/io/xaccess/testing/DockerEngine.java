package io.xaccess.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientConfigUtils;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * Whether Testcontainers can start an image on this machine, found out in seconds rather than
 * minutes, so that a test can skip saying why.
 *
 * <p>A Docker engine must be reachable, and it must hold the image and the ones Testcontainers runs
 * before a container of ours: its Ryuk reaper, and the tiny image it checks that host paths can be
 * bound with (for a container that binds some, as K3sContainer binds /sys/fs/cgroup) and, where the
 * tests themselves run inside a container, may learn the engine's address with. An image the engine
 * lacks is pulled once, and given up on after {@link #PULL_PATIENCE} without a word from the
 * engine. Testcontainers would instead retry each pull for two minutes: on a machine with Docker
 * but no registry access, the k3s test errored out after seven minutes instead of skipping.
 */
public final class DockerEngine {

  /** The image Testcontainers 1.21's RyukContainer runs ({@code DockerEngineTest} checks it). */
  static final String RYUK_IMAGE = "testcontainers/ryuk:0.12.0";

  /** The image Testcontainers 1.21's DockerClientFactory runs commands in (its TINY_IMAGE). */
  static final String TINY_IMAGE = "alpine:3.17";

  /** How long a pull may go without any progress from the engine before it counts as failed. */
  static final Duration PULL_PATIENCE = Duration.ofSeconds(60);

  private static final Pattern ENGINE_ERROR =
      Pattern.compile("Status \\d+: \\{\"message\":\"(.*)\"\\}\\s*", Pattern.DOTALL);

  private DockerEngine() {}

  /**
   * Why Testcontainers cannot start {@code image}, in a container that binds host paths, here; or
   * empty if it can. Pulls what the engine lacks, and touches nothing in Testcontainers that would
   * start a container or pull an image itself.
   */
  public static Optional<String> whyNotUsable(DockerImageName image)
      throws IOException, InterruptedException {
    TransportConfig transport;
    try {
      transport = DockerClientFactory.instance().getTransportConfig();
    } catch (IllegalStateException e) {
      return Optional.of(
          "Testcontainers finds no Docker engine it can use on this machine ("
              + e.getMessage()
              + ")");
    }
    // Not DockerClientFactory.client(): that starts Ryuk first, and so pulls its image with the
    // long retries this class is here to avoid.
    try (DockerClient docker = DockerClientProviderStrategy.getClientForConfig(transport)) {
      List<DockerImageName> needed = new ArrayList<>();
      needed.add(ImageNameSubstitutor.instance().apply(image));
      if (!Boolean.parseBoolean(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
        needed.add(ImageNameSubstitutor.instance().apply(DockerImageName.parse(RYUK_IMAGE)));
      }
      // Testcontainers' checks (on unless checks.disable) include binding a host file into a
      // container of the tiny image before the first container with binds starts.
      if (!TestcontainersConfiguration.getInstance().isDisableChecks()
          || findsEngineAddressInAContainer(docker, transport)) {
        needed.add(ImageNameSubstitutor.instance().apply(DockerImageName.parse(TINY_IMAGE)));
      }
      List<DockerImageName> missing = needed.stream().filter(it -> !present(docker, it)).toList();
      for (DockerImageName pull : missing) {
        Optional<String> failure = pull(docker, pull);
        if (failure.isPresent()) {
          return Optional.of(
              "could not pull "
                  + pull.asCanonicalNameString()
                  + " ("
                  + failure.get()
                  + "); the Docker engine lacks "
                  + names(missing)
                  + ", which `docker load` can provide");
        }
      }
      return Optional.empty();
    }
  }

  private static String names(List<DockerImageName> images) {
    List<String> names = images.stream().map(DockerImageName::asCanonicalNameString).toList();
    return names.size() == 1
        ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1))
            + " and "
            + names.get(names.size() - 1);
  }

  /**
   * Whether Testcontainers will run {@link #TINY_IMAGE} to learn the engine's address, as its
   * DockerClientProviderStrategy does when it runs in a container, talks to the engine over a local
   * socket, has no TESTCONTAINERS_HOST_OVERRIDE and finds no gateway on the bridge network.
   */
  private static boolean findsEngineAddressInAContainer(
      DockerClient docker, TransportConfig transport) {
    String scheme = transport.getDockerHost().getScheme();
    String hostOverride = System.getenv("TESTCONTAINERS_HOST_OVERRIDE");
    if (!DockerClientConfigUtils.IN_A_CONTAINER
        || !(scheme.equals("unix") || scheme.equals("npipe"))
        || (hostOverride != null && !hostOverride.isBlank())) {
      return false;
    }
    try {
      return docker
          .inspectNetworkCmd()
          .withNetworkId("bridge")
          .exec()
          .getIpam()
          .getConfig()
          .stream()
          .allMatch(config -> config.getGateway() == null);
    } catch (RuntimeException e) {
      return true;
    }
  }

  private static boolean present(DockerClient docker, DockerImageName image) {
    try {
      docker.inspectImageCmd(image.asCanonicalNameString()).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** Pulls {@code image} once: empty if it is then on the engine, else why not. */
  private static Optional<String> pull(DockerClient docker, DockerImageName image)
      throws InterruptedException {
    PullWatch watch = new PullWatch();
    try (watch) {
      docker.pullImageCmd(image.getUnversionedPart()).withTag(image.getVersionPart()).exec(watch);
      while (!watch.awaitCompletion(1, TimeUnit.SECONDS)) {
        if (watch.lastHeard.plus(PULL_PATIENCE).isBefore(Instant.now())) {
          return Optional.of("no progress in " + PULL_PATIENCE.toSeconds() + " s");
        }
      }
    } catch (RuntimeException e) {
      return Optional.of(engineMessage(e.getMessage()));
    } catch (IOException e) {
      // Closing the finished stream: nothing to do about it.
    }
    if (watch.failure != null) {
      // What the engine answered, typically that the registry's name does not resolve.
      return Optional.of(engineMessage(watch.failure.getMessage()));
    }
    if (watch.error != null) {
      return Optional.of(watch.error);
    }
    return present(docker, image)
        ? Optional.empty()
        : Optional.of("the engine ended the pull without the image");
  }

  /** The engine's own words from docker-java's "Status 500: {"message":"..."}". */
  static String engineMessage(String exceptionMessage) {
    if (exceptionMessage == null) {
      return "no reason given";
    }
    Matcher matcher = ENGINE_ERROR.matcher(exceptionMessage);
    return matcher.matches() ? matcher.group(1).replace("\\\"", "\"") : exceptionMessage.strip();
  }

  /**
   * Remembers when the engine last said anything about the pull, and any error it reported: in the
   * stream, or as the answer to the request (kept for the skip message, where docker-java's default
   * would log it with a stack trace).
   */
  private static final class PullWatch extends ResultCallback.Adapter<PullResponseItem> {
    private volatile Instant lastHeard = Instant.now();
    private volatile String error;
    private volatile Throwable failure;

    @Override
    public void onError(Throwable throwable) {
      failure = throwable;
      try {
        close();
      } catch (IOException e) {
        // The stream is finished either way.
      }
    }

    @Override
    public void onNext(PullResponseItem item) {
      lastHeard = Instant.now();
      if (item.isErrorIndicated()) {
        error =
            item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError();
      }
    }
  }
}
