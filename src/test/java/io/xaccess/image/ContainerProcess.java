package io.xaccess.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command of an image run from its extracted root file system the way a container runtime with
 * Kubernetes' hardened settings runs it, without a container engine: in its own mount namespace
 * ({@code unshare}), chrooted into the root file system mounted read-only, with a fresh tmpfs on
 * /tmp (the emptyDir a Deployment gives it), the host's /dev, /proc, /etc/hosts and
 * /etc/resolv.conf, extra read-only mounts, only the image's environment plus the given one, its
 * working directory, and — when the test runs as root — its user. Not root, it runs in a user
 * namespace as that namespace's root. The network is the host's, so 127.0.0.1 reaches the tests'
 * servers.
 */
final class ContainerProcess implements AutoCloseable {

  /** Mounts, then the chroot; every mount disappears with the namespace. */
  private static final String MOUNT_AND_ENTER =
      """
      set -eu
      root=$1; shift
      mount --rbind "$root" "$root"
      mount -o remount,bind,ro "$root"
      mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
      mount --rbind /dev "$root/dev"
      mount --rbind /proc "$root/proc"
      while [ "$1" != -- ]; do mount --bind -o ro "$1" "$root$2"; shift 2; done
      shift
      exec "$@"
      """;

  private final Process process;

  private ContainerProcess(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code command} (the image's entrypoint when empty) in {@code rootfs}, with {@code
   * mounts} (host path to path in the image, read-only), writing its output to {@code log}.
   */
  static ContainerProcess start(
      JsonNode config,
      Path rootfs,
      List<String> command,
      Map<String, String> env,
      Map<Path, String> mounts,
      Path log)
      throws IOException {
    boolean root =
        ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0;
    List<String> argv = new ArrayList<>();
    argv.add("unshare");
    if (!root) {
      argv.add("--map-root-user");
    }
    argv.addAll(List.of("--mount", "--fork", "--", "sh", "-c", MOUNT_AND_ENTER, "sh"));
    argv.add(rootfs.toString());
    Map<Path, String> allMounts = new LinkedHashMap<>();
    for (String file : List.of("/etc/hosts", "/etc/resolv.conf")) {
      if (Files.isRegularFile(Path.of(file))) {
        allMounts.put(Path.of(file), file);
      }
    }
    allMounts.putAll(mounts);
    for (String dir : List.of("dev", "proc", "tmp")) {
      Files.createDirectories(rootfs.resolve(dir));
    }
    for (Map.Entry<Path, String> mount : allMounts.entrySet()) {
      Path target = rootfs.resolve(mount.getValue().substring(1));
      Files.createDirectories(target.getParent());
      if (Files.isDirectory(mount.getKey())) {
        Files.createDirectories(target);
      } else if (!Files.exists(target)) {
        Files.createFile(target);
      }
      argv.add(mount.getKey().toString());
      argv.add(mount.getValue());
    }
    argv.add("--");
    argv.add("unshare");
    argv.add("--root=" + rootfs);
    argv.add("--wd=" + config.path("WorkingDir").asText("/"));
    String user = config.path("User").asText("");
    if (root && !user.isEmpty()) {
      String[] ids = user.split(":");
      argv.add("--setuid=" + ids[0]);
      argv.add("--setgid=" + (ids.length > 1 ? ids[1] : ids[0]));
    }
    if (command.isEmpty()) {
      config.path("Entrypoint").forEach(arg -> argv.add(arg.asText()));
      config.path("Cmd").forEach(arg -> argv.add(arg.asText()));
    } else {
      argv.addAll(command);
    }

    ProcessBuilder builder =
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().clear();
    config
        .path("Env")
        .forEach(
            variable -> {
              String[] nameValue = variable.asText().split("=", 2);
              builder.environment().put(nameValue[0], nameValue[1]);
            });
    builder.environment().putAll(env);
    return new ContainerProcess(builder.start());
  }

  /** Runs {@code command} to its end and returns its output. */
  static String run(JsonNode config, Path rootfs, List<String> command, Path log)
      throws IOException, InterruptedException {
    try (ContainerProcess process = start(config, rootfs, command, Map.of(), Map.of(), log)) {
      if (!process.process.waitFor(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException(command + " did not end: " + Files.readString(log));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (process.process.exitValue() != 0) {
        throw new IllegalStateException(
            command + " exited " + process.process.exitValue() + ":\n" + output);
      }
      return output;
    }
  }

  /** How a command ended: its exit status and its output (standard error included). */
  record Ended(int status, String output) {}

  /**
   * Runs {@code command} to its end with {@code input} on its standard input, as {@code docker run
   * -i} does, whatever its exit status.
   */
  static Ended runWithInput(
      JsonNode config, Path rootfs, List<String> command, String input, Path log)
      throws IOException, InterruptedException {
    try (ContainerProcess process = start(config, rootfs, command, Map.of(), Map.of(), log)) {
      try (var stdin = process.process.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.process.waitFor(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException(command + " did not end: " + Files.readString(log));
      }
      return new Ended(process.process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the command (SIGTERM, as Kubernetes does) and the namespace with it. */
  @Override
  public void close() {
    // The command runs under unshare and sh: signal it first, then what remains.
    List<ProcessHandle> descendants = process.descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      for (ProcessHandle handle : descendants) {
        handle.onExit().get(15, TimeUnit.SECONDS);
      }
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } catch (Exception e) {
      descendants.forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
