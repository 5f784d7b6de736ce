package io.xaccess.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * moto's own log (found through {@code /proc/<pid>/fd/1}, since MotoServer keeps it private): how
 * many requests it answered with a 5xx in a stretch of the run, and the Python exceptions behind
 * them — moto's backends are not thread-safe, so concurrent requests can fail inside moto.
 */
public final class MotoLog {

  /** 5xx answers and exceptions, by exception line, in one stretch. */
  public record Errors(long serverErrors, Map<String, Long> exceptions) {}

  private final Optional<Path> file;

  private MotoLog(Optional<Path> file) {
    this.file = file;
  }

  public static MotoLog find() {
    return new MotoLog(
        ProcessProbe.moto()
            .flatMap(
                p -> {
                  try {
                    return Optional.of(
                        Files.readSymbolicLink(Path.of("/proc", "" + p.pid(), "fd", "1")));
                  } catch (IOException | UnsupportedOperationException e) {
                    return Optional.empty();
                  }
                }));
  }

  /** Where the log ends now. */
  public long mark() {
    return file.map(
            f -> {
              try {
                return Files.size(f);
              } catch (IOException e) {
                return 0L;
              }
            })
        .orElse(0L);
  }

  /** The 5xx answers and exceptions logged since {@code mark}. */
  public Errors since(long mark) {
    if (file.isEmpty()) {
      return new Errors(-1, Map.of());
    }
    long errors = 0;
    Map<String, Long> exceptions = new TreeMap<>();
    try (RandomAccessFile in = new RandomAccessFile(file.get().toFile(), "r")) {
      in.seek(mark);
      byte[] bytes = new byte[(int) Math.max(0, in.length() - mark)];
      in.readFully(bytes);
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        if (line.contains("\" 500 -") || line.contains("\" 502 -") || line.contains("\" 503 -")) {
          errors++;
        } else if (line.matches("^[A-Za-z.]*(Error|Exception): .*")) {
          exceptions.merge(line.strip(), 1L, Long::sum);
        }
      }
    } catch (IOException e) {
      return new Errors(-1, Map.of());
    }
    return new Errors(errors, exceptions);
  }
}
