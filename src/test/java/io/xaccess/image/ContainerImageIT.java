package io.xaccess.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.xaccess.e2e.EndToEndScenario;
import io.xaccess.testing.CertManagerStandIn;
import io.xaccess.testing.Checkov;
import io.xaccess.testing.LocalKubeApiServer;
import io.xaccess.testing.OperatorProcess;
import io.xaccess.testing.TestCluster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's container image as {@code make image} builds it ({@code target/xaccess-image.tar},
 * Jib, no Docker daemon): what its configuration says, what its layers hold, that the Dockerfile
 * describes the same image, and — extracted and run the way a container runtime runs it — that it
 * takes a grant to Ready. Skipped when the tarball was not built, unless {@code -Pimage} asked for
 * it ({@code make test} does).
 */
class ContainerImageIT {

  private static final Path DOCKERFILE = Path.of("Dockerfile");
  private static final Path FAST_JAR = Path.of("target", "quarkus-app");
  private static final String APP = "/deployments";
  private static final String RUNNER = APP + "/quarkus-run.jar";
  private static final Pattern APP_JAR = Pattern.compile(APP + "/app/xaccess-operator-(.+)\\.jar");

  @TempDir static Path work;
  private static ContainerImage image;
  private static Path rootfs;

  @Test
  void runsTheFastJarWithJavaAsANonRootNumericUser() throws Exception {
    JsonNode config = image().config();
    String user = config.path("User").asText();
    assertThat(user).as("numeric user, so runAsNonRoot can check it").matches("\\d+(:\\d+)?");
    assertThat(Long.parseLong(user.split(":")[0])).as("uid").isNotZero();

    List<String> entrypoint = strings(config.path("Entrypoint"));
    assertThat(entrypoint.get(0)).isEqualTo("/usr/bin/java");
    assertThat(image().files()).containsKey("/usr/bin/java");
    assertThat(entrypoint)
        .contains("-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1")
        .anyMatch(arg -> arg.matches("-XX:MaxRAMPercentage=\\d+(\\.\\d+)?"));
    assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()))
        .containsExactly("-jar", RUNNER);
    assertThat(strings(config.path("Cmd"))).isEmpty();
    assertThat(config.path("WorkingDir").asText()).isEqualTo(APP);
    assertThat(image().configFile().path("os").asText()).isEqualTo("linux");
    assertThat(image().configFile().path("architecture").asText()).isEqualTo("amd64");
    assertThat(image().files().keySet())
        .as("no shell in the image")
        .doesNotContain("/bin/sh", "/usr/bin/sh", "/bin/bash", "/usr/bin/bash", "/bin/busybox");
  }

  @Test
  void exposesTheApplicationsHttpAndManagementPorts() throws Exception {
    Properties app = new Properties();
    try (InputStream in =
        Files.newInputStream(Path.of("src", "main", "resources", "application.properties"))) {
      app.load(in);
    }
    // Quarkus' defaults where application.properties says nothing.
    Set<String> expected = new TreeSet<>();
    expected.add(app.getProperty("quarkus.http.port", "8080") + "/tcp");
    if (Boolean.parseBoolean(app.getProperty("quarkus.management.enabled", "false"))) {
      expected.add(app.getProperty("quarkus.management.port", "9000") + "/tcp");
    }
    assertThat(fieldNames(image().config().path("ExposedPorts"))).isEqualTo(expected);
  }

  @Test
  void carriesTheOpenContainersLabels() throws Exception {
    JsonNode labels = image().config().path("Labels");
    String appJar =
        image().files().keySet().stream()
            .filter(path -> APP_JAR.matcher(path).matches())
            .findFirst()
            .orElseThrow();
    Matcher version = APP_JAR.matcher(appJar);
    assertThat(version.matches()).isTrue();
    assertThat(labels.path("org.opencontainers.image.version").asText())
        .isEqualTo(version.group(1));
    assertThat(labels.path("org.opencontainers.image.source").asText()).startsWith("https://");
    assertThat(labels.path("org.opencontainers.image.licenses").asText()).isNotBlank();
    assertThat(labels.path("org.opencontainers.image.title").asText())
        .isEqualTo("xaccess-operator");
  }

  @Test
  void layersHoldTheFastJarOwnedByRootAndNoTestCode() throws Exception {
    Map<String, ContainerImage.Entry> files = image().files();
    Set<String> shipped =
        files.values().stream()
            .filter(entry -> entry.path().startsWith(APP + "/") && !entry.isDirectory())
            .map(ContainerImage.Entry::path)
            .collect(Collectors.toCollection(TreeSet::new));
    try (Stream<Path> built = Files.walk(FAST_JAR)) {
      Set<String> expected =
          built
              .filter(Files::isRegularFile)
              .map(path -> APP + "/" + FAST_JAR.relativize(path))
              .filter(path -> !path.endsWith("/quarkus-app-dependencies.txt"))
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(shipped).as("the fast-jar under " + APP).isEqualTo(expected);
    }
    assertThat(shipped).contains(RUNNER).anyMatch(path -> path.startsWith(APP + "/lib/main/"));
    assertThat(files.keySet())
        .as("Jib's own class-path layout is filtered out; nothing of the build's test side")
        .noneMatch(path -> path.equals("/app") || path.startsWith("/app/"))
        .noneMatch(path -> path.contains("test-classes"));

    // The operator cannot change its own code: root's, writable by nobody else.
    for (String path : shipped) {
      ContainerImage.Entry entry = files.get(path);
      assertThat(entry.uid()).as("owner of %s", path).isZero();
      assertThat(entry.mode() & 022).as("group/other write on %s", path).isZero();
    }

    // One layer per part, the least changing first, so a code change ships only a small layer.
    int lib =
        files
            .get(shipped.stream().filter(p -> p.startsWith(APP + "/lib/")).findFirst().get())
            .layer();
    String appJar = shipped.stream().filter(p -> APP_JAR.matcher(p).matches()).findFirst().get();
    int app = files.get(appJar).layer();
    assertThat(lib).isLessThan(files.get(RUNNER).layer());
    assertThat(files.get(RUNNER).layer()).isLessThan(app);
    assertThat(app).isLessThan(files.get(APP + "/quarkus/quarkus-application.dat").layer());

    List<String> classes = new ArrayList<>();
    try (ZipInputStream jar = new ZipInputStream(new ByteArrayInputStream(image().read(appJar)))) {
      for (ZipEntry entry = jar.getNextEntry(); entry != null; entry = jar.getNextEntry()) {
        classes.add(entry.getName());
      }
    }
    assertThat(classes)
        .contains("io/xaccess/reconciler/CrossAccountAccessReconciler.class")
        .noneMatch(name -> name.startsWith("io/xaccess/testing/"))
        .noneMatch(name -> name.endsWith("IT.class") || name.endsWith("Test.class"));
  }

  @Test
  void theDockerfileDescribesTheSameImage() throws Exception {
    JsonNode config = image().config();
    List<String> instructions = instructions();
    String runtime =
        String.join(
            "\n", instructions.subList(lastIndexOf(instructions, "FROM "), instructions.size()));

    assertThat(strings(new ObjectMapper().readTree(last(instructions, "ENTRYPOINT"))))
        .isEqualTo(strings(config.path("Entrypoint")));
    assertThat(last(instructions, "USER")).isEqualTo(config.path("User").asText());
    assertThat(last(instructions, "WORKDIR")).isEqualTo(config.path("WorkingDir").asText());
    Set<String> exposed =
        Stream.of(last(instructions, "EXPOSE").split("\\s+"))
            .map(port -> port.contains("/") ? port : port + "/tcp")
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(exposed).isEqualTo(fieldNames(config.path("ExposedPorts")));

    Matcher label =
        Pattern.compile("(org\\.opencontainers\\.image\\.[a-z]+)=\"([^\"]*)\"").matcher(runtime);
    Map<String, String> labels = new HashMap<>();
    while (label.find()) {
      labels.put(label.group(1), label.group(2));
    }
    Map<String, String> imageLabels = new HashMap<>();
    config
        .path("Labels")
        .fields()
        .forEachRemaining(
            field -> {
              if (field.getKey().startsWith("org.opencontainers.image.")) {
                imageLabels.put(field.getKey(), field.getValue().asText());
              }
            });
    assertThat(labels.keySet()).isEqualTo(imageLabels.keySet());
    labels.remove("org.opencontainers.image.version"); // a build argument there
    labels.forEach((name, value) -> assertThat(imageLabels).containsEntry(name, value));

    // The same four parts of the fast-jar, in the same order.
    List<String> copied = new ArrayList<>();
    Matcher copy = Pattern.compile("COPY --from=build \\S+ (\\S+)").matcher(runtime);
    while (copy.find()) {
      copied.add(copy.group(1).replaceAll("/$", ""));
    }
    assertThat(copied).containsExactly(APP + "/lib", RUNNER, APP + "/app", APP + "/quarkus");
  }

  @Test
  void dockerfilePassesCheckovAndEverySkipIsJustified() throws Exception {
    Checkov.assertClean("-f", DOCKERFILE.toString(), "dockerfile", 10);
  }

  @Test
  void itsJavaRunsAsItsUserWithUtf8() throws Exception {
    JsonNode config = image().config();
    String java = strings(config.path("Entrypoint")).get(0);
    String settings =
        ContainerProcess.run(
            config,
            rootfs(),
            List.of(java, "-XshowSettings:properties", "-version"),
            work.resolve("java-version.log"));
    assertThat(settings).contains("java.specification.version = 17", "file.encoding = UTF-8");
    if (runningAsRoot()) {
      assertThat(settings).contains("user.dir = " + APP, "user.home = /home/nonroot");
    }
  }

  /**
   * {@code docker run -i IMAGE render -f - < grant.yaml}: the arguments after the image reach the
   * jar, which renders the grant offline and exits — 0 with the documents, 2 for invalid input.
   */
  @Test
  void itRendersAGrantFromStandardInputAndExits() throws Exception {
    JsonNode config = image().config();
    List<String> command = new ArrayList<>(strings(config.path("Entrypoint")));
    command.addAll(List.of("render", "-f", "-"));

    ContainerProcess.Ended rendered =
        ContainerProcess.runWithInput(
            config,
            rootfs(),
            command,
            Files.readString(Path.of("examples", "hardened.yaml")),
            work.resolve("render.log"));
    assertThat(rendered.status()).as(rendered.output()).isZero();
    JsonNode grant = new ObjectMapper().readTree(rendered.output()).get("grants").get(0);
    assertThat(grant.get("grant").asText()).isEqualTo("default/ci-publisher");
    assertThat(grant.path("policies").path("production").path("role").path("trustPolicy"))
        .isNotEmpty();

    ContainerProcess.Ended invalid =
        ContainerProcess.runWithInput(
            config,
            rootfs(),
            command,
            "apiVersion: xaccess.io/v1alpha1\nkind: CrossAccountAccess\nmetadata: {name: x}\nspec: {}\n",
            work.resolve("render-invalid.log"));
    assertThat(invalid.status()).isEqualTo(2);
    assertThat(invalid.output()).contains("spec.production: Required value");
  }

  /**
   * The image as a Deployment runs it: its ServiceAccount's token, CA and namespace mounted where
   * Kubernetes mounts them, {@code KUBERNETES_SERVICE_HOST}/{@code _PORT} instead of a kubeconfig,
   * the root file system read-only, its user — and the basic example becomes Ready and goes away.
   */
  @Test
  void itRunsTheOperatorInClusterStyleToAReadyGrant() throws Exception {
    JsonNode config = image().config();
    Path root = rootfs();
    Path log = work.resolve("operator.log");
    try (TestCluster cluster = TestCluster.start()) {
      LocalKubeApiServer kube = cluster.kube();
      Path serviceAccount = Files.createDirectories(work.resolve("serviceaccount"));
      Config admin = Config.fromKubeconfig(kube.kubeConfigYaml());
      cluster.namespace("xaccess-system");
      CertManagerStandIn.installCrds(cluster.client());
      cluster.kubectl().succeed("apply", "-f", "deploy/operator.yaml");
      CertManagerStandIn.removeDeployWebhook(cluster.client());
      String token = kube.serviceAccountToken("xaccess-system", "xaccess-operator");
      Files.writeString(serviceAccount.resolve("token"), token);
      Files.copy(Path.of(admin.getCaCertFile()), serviceAccount.resolve("ca.crt"));
      Files.writeString(serviceAccount.resolve("namespace"), "xaccess-system");

      URI apiServer = URI.create(admin.getMasterUrl());
      Map<String, String> env =
          new LinkedHashMap<>(OperatorProcess.environment(cluster.awsEndpoint()));
      env.put("KUBERNETES_SERVICE_HOST", apiServer.getHost());
      env.put("KUBERNETES_SERVICE_PORT", String.valueOf(apiServer.getPort()));
      env.put("HOSTNAME", "xaccess-operator-image");
      try (ContainerProcess operator =
          ContainerProcess.start(
              config,
              root,
              List.of(),
              env,
              Map.of(serviceAccount, "/var/run/secrets/kubernetes.io/serviceaccount"),
              log)) {
        EndToEndScenario.run(cluster.kubectl(), cluster.client(), log);
        assertThat(operator.isAlive()).isTrue();
        assertThat(Files.readString(log))
            .doesNotContain("Read-only file system")
            .doesNotContain("is forbidden");
      }
    }
  }

  /** Before {@code @TempDir}'s own clean-up, which warns about the image's absolute links. */
  @AfterAll
  static void removeRootfs() throws IOException {
    if (rootfs != null) {
      try (Stream<Path> paths = Files.walk(rootfs)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private static synchronized ContainerImage image() throws IOException {
    if (image == null) {
      Path tar = Path.of(System.getProperty("tests.image.tar", "target/xaccess-image.tar"));
      if (!Files.isRegularFile(tar)) {
        String how = tar + " is missing: build it with 'make image' or './mvnw -Pimage package'";
        if (Boolean.getBoolean("tests.image.required")) {
          fail(how);
        }
        assumeTrue(false, how);
      }
      image = ContainerImage.read(tar, Files.createDirectories(work.resolve("image")));
    }
    return image;
  }

  private static synchronized Path rootfs() throws Exception {
    if (rootfs == null) {
      Path extracted = work.resolve("rootfs");
      image().extractTo(extracted);
      rootfs = extracted;
    }
    return rootfs;
  }

  private static boolean runningAsRoot() throws IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0;
  }

  /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
  private static List<String> instructions() throws IOException {
    String joined =
        Files.readAllLines(DOCKERFILE).stream()
            .filter(line -> !line.stripLeading().startsWith("#"))
            .collect(Collectors.joining("\n"))
            .replaceAll("\\\\\n\\s*", " ");
    return joined.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
  }

  private static int lastIndexOf(List<String> instructions, String prefix) {
    for (int i = instructions.size() - 1; i >= 0; i--) {
      if (instructions.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("the Dockerfile has no " + prefix);
  }

  private static String last(List<String> instructions, String keyword) {
    return instructions
        .get(lastIndexOf(instructions, keyword + " "))
        .substring(keyword.length())
        .strip();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static Set<String> fieldNames(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
