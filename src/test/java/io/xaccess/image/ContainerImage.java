package io.xaccess.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A container image read from a tarball, in {@code docker save} format (what Jib's {@code buildTar}
 * writes) or as an OCI image layout: its configuration and the file system its layers make. (Tar
 * reading is commons-compress, which the test class path has through kube-api-test.)
 */
final class ContainerImage {

  /** One file, folder or link of the image's file system, from the layer that last wrote it. */
  record Entry(String path, int layer, int mode, long uid, long gid, char type, String linkTarget) {
    boolean isFile() {
      return type == 'f';
    }

    boolean isDirectory() {
      return type == 'd';
    }

    boolean isSymlink() {
      return type == 'l';
    }
  }

  private final JsonNode configFile;
  private final List<Path> layers;
  private final Map<String, Entry> files;

  private ContainerImage(JsonNode configFile, List<Path> layers, Map<String, Entry> files) {
    this.configFile = configFile;
    this.layers = layers;
    this.files = files;
  }

  /** Unpacks {@code tarball} into {@code workDir} and reads the image it holds. */
  static ContainerImage read(Path tarball, Path workDir) throws IOException {
    unpack(tarball, workDir);
    ObjectMapper json = new ObjectMapper();
    Path config;
    List<Path> layers = new ArrayList<>();
    if (Files.exists(workDir.resolve("manifest.json"))) {
      JsonNode manifest = json.readTree(workDir.resolve("manifest.json").toFile()).get(0);
      config = workDir.resolve(manifest.get("Config").asText());
      manifest.get("Layers").forEach(layer -> layers.add(workDir.resolve(layer.asText())));
    } else {
      JsonNode index = json.readTree(workDir.resolve("index.json").toFile());
      JsonNode manifest =
          json.readTree(
              blob(workDir, index.get("manifests").get(0).get("digest").asText()).toFile());
      config = blob(workDir, manifest.get("config").get("digest").asText());
      manifest
          .get("layers")
          .forEach(layer -> layers.add(blob(workDir, layer.get("digest").asText())));
    }
    Map<String, Entry> files = new TreeMap<>();
    for (int i = 0; i < layers.size(); i++) {
      int layer = i;
      forEachEntry(
          layers.get(i),
          (entry, in) -> {
            String path = normalize(entry.getName());
            if (path.substring(path.lastIndexOf('/') + 1).startsWith(".wh.")) {
              throw new IllegalStateException("layer " + layer + " deletes files: " + path);
            }
            char type =
                entry.isDirectory()
                    ? 'd'
                    : entry.isSymbolicLink() ? 'l' : entry.isLink() ? 'h' : 'f';
            files.put(
                path,
                new Entry(
                    path,
                    layer,
                    entry.getMode() & 07777,
                    entry.getLongUserId(),
                    entry.getLongGroupId(),
                    type,
                    entry.getLinkName()));
          });
    }
    return new ContainerImage(json.readTree(config.toFile()), layers, files);
  }

  /** The whole configuration file: architecture, os, history, rootfs. */
  JsonNode configFile() {
    return configFile;
  }

  /** The container configuration: User, Entrypoint, Cmd, Env, ExposedPorts, Labels, WorkingDir. */
  JsonNode config() {
    return configFile.get("config");
  }

  /** Every path of the image's file system (absolute, no trailing slash). */
  Map<String, Entry> files() {
    return Collections.unmodifiableMap(files);
  }

  /** The content of a regular file of the image. */
  byte[] read(String path) throws IOException {
    Entry entry = files.get(path);
    if (entry == null || !entry.isFile()) {
      throw new IllegalArgumentException(path + " is no file of the image");
    }
    byte[][] content = new byte[1][];
    forEachEntry(
        layers.get(entry.layer()),
        (e, in) -> {
          if (normalize(e.getName()).equals(path)) {
            content[0] = in.readAllBytes();
          }
        });
    return content[0];
  }

  /** Extracts the layers in order into {@code rootfs} with GNU tar (owners kept when root). */
  void extractTo(Path rootfs) throws IOException, InterruptedException {
    Files.createDirectories(rootfs);
    for (Path layer : layers) {
      Process tar =
          new ProcessBuilder(
                  "tar",
                  "--warning=no-unknown-keyword",
                  "-xf",
                  layer.toString(),
                  "-C",
                  rootfs.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(tar.getInputStream().readAllBytes());
      if (!tar.waitFor(2, TimeUnit.MINUTES) || tar.exitValue() != 0) {
        throw new IOException("tar -xf " + layer + " failed: " + output);
      }
    }
  }

  private interface EntryConsumer {
    void accept(TarArchiveEntry entry, InputStream content) throws IOException;
  }

  private static void forEachEntry(Path tar, EntryConsumer consumer) throws IOException {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(tar));
        TarArchiveInputStream in = new TarArchiveInputStream(decompressed(file))) {
      for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        consumer.accept(entry, in);
      }
    }
  }

  /** Layers may be gzip-compressed (Jib's) or plain tars (a {@code docker save} of others). */
  private static InputStream decompressed(InputStream in) throws IOException {
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    return first == 0x1f && second == 0x8b ? new GZIPInputStream(in) : in;
  }

  private static void unpack(Path tarball, Path workDir) throws IOException {
    forEachEntry(
        tarball,
        (entry, in) -> {
          Path target = workDir.resolve(entry.getName()).normalize();
          if (!target.startsWith(workDir)) {
            throw new IOException("entry outside the tarball's folder: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(target);
          } else {
            Files.createDirectories(target.getParent());
            Files.copy(in, target);
          }
        });
  }

  private static Path blob(Path workDir, String digest) {
    String[] parts = digest.split(":", 2);
    return workDir.resolve("blobs").resolve(parts[0]).resolve(parts[1]);
  }

  private static String normalize(String name) {
    String path = name.startsWith("./") ? name.substring(1) : name;
    path = path.startsWith("/") ? path : "/" + path;
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
