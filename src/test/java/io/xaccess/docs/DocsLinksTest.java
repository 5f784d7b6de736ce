package io.xaccess.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Relative links in README.md and docs/ resolve, anchors included; the README stays short. */
class DocsLinksTest {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path README = ROOT.resolve("README.md");
  private static final long README_MAX_BYTES = 12_288;

  /** {@code [text](target)} and {@code ![alt](target)}; the target may carry a "title". */
  private static final Pattern INLINE_LINK =
      Pattern.compile(
          "!?\\[(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

  /** {@code [ref]: target} reference definitions. */
  private static final Pattern REFERENCE_DEFINITION =
      Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s+\"[^\"]*\")?\\s*$");

  private static final Pattern HEADING =
      Pattern.compile("(?m)^ {0,3}#{1,6}[ \\t]+(.*?)(?:[ \\t]+#+)?[ \\t]*$");
  private static final Pattern FENCE =
      Pattern.compile("(?ms)^ {0,3}(```|~~~).*?^ {0,3}\\1[^\\n]*$");
  private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  private final Map<Path, Set<String>> anchors = new HashMap<>();

  @Test
  void theReadmeStaysShort() throws IOException {
    assertThat(Files.size(README))
        .as("README.md in bytes (move detail to docs/)")
        .isLessThanOrEqualTo(README_MAX_BYTES);
  }

  @Test
  void everyRelativeLinkResolvesToAFileAndHeading() throws IOException {
    assertThat(README).as("run from the repository root").exists();
    List<Path> pages = pages();
    assertThat(pages).contains(README, ROOT.resolve("docs/README.md"));

    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String target : links(Files.readString(page, StandardCharsets.UTF_8))) {
        if (SCHEME.matcher(target).find() || target.startsWith("//")) {
          continue; // http(s), mailto and other absolute links are not this test's business
        }
        checked++;
        String problem = problem(page, target);
        if (problem != null) {
          broken.add(ROOT.relativize(page) + ": (" + target + ") " + problem);
        }
      }
    }
    assertThat(checked).as("relative links found").isPositive();
    assertThat(broken).as("broken relative links").isEmpty();
  }

  @Test
  void slugsFollowGitHubsRules() {
    assertThat(slug("Kubernetes binaries: build or download"))
        .isEqualTo("kubernetes-binaries-build-or-download");
    assertThat(slug("`kubectl apply` is refused")).isEqualTo("kubectl-apply-is-refused");
    assertThat(slug("Argo CD / Flux health")).isEqualTo("argo-cd--flux-health");
    assertThat(slug("The operator's AWS identity")).isEqualTo("the-operators-aws-identity");
    assertThat(slug("snake_case and-dash")).isEqualTo("snake_case-and-dash");
  }

  /** Null when {@code target}, linked from {@code page}, resolves; otherwise what is wrong. */
  private String problem(Path page, String target) throws IOException {
    int hash = target.indexOf('#');
    String path = decode(hash < 0 ? target : target.substring(0, hash));
    String anchor = hash < 0 ? null : decode(target.substring(hash + 1));
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    Path file =
        path.isEmpty()
            ? page
            : (path.startsWith("/")
                    ? ROOT.resolve(path.substring(1))
                    : page.getParent().resolve(path))
                .normalize();
    if (!file.startsWith(ROOT)) {
      return "points outside the repository";
    }
    if (!Files.exists(file)) {
      return "no such file " + ROOT.relativize(file);
    }
    if (anchor != null && file.toString().endsWith(".md")) {
      if (!anchorsOf(file).contains(anchor)) {
        return "no heading #" + anchor + " in " + ROOT.relativize(file);
      }
    }
    return null;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private Set<String> anchorsOf(Path file) throws IOException {
    Set<String> known = anchors.get(file);
    if (known == null) {
      known = new LinkedHashSet<>();
      Map<String, Integer> seen = new HashMap<>();
      String text = FENCE.matcher(Files.readString(file, StandardCharsets.UTF_8)).replaceAll("");
      Matcher m = HEADING.matcher(text);
      while (m.find()) {
        String base = slug(m.group(1));
        int n = seen.merge(base, 1, Integer::sum) - 1;
        known.add(n == 0 ? base : base + "-" + n); // GitHub numbers repeated headings
      }
      anchors.put(file, known);
    }
    return known;
  }

  /** GitHub's heading anchor: lowercase, punctuation but '-' and '_' dropped, spaces to '-'. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link: its text
    return text.toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "")
        .replace(' ', '-');
  }

  /** The link targets of a Markdown text, code blocks and code spans left out. */
  private static List<String> links(String markdown) {
    String text = FENCE.matcher(markdown).replaceAll("");
    text = INLINE_CODE.matcher(text).replaceAll(m -> m.group().contains("](") ? "" : "code");
    List<String> targets = new ArrayList<>();
    for (Pattern p : List.of(INLINE_LINK, REFERENCE_DEFINITION)) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        targets.add(m.group(1));
      }
    }
    return targets;
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(README));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }
}
