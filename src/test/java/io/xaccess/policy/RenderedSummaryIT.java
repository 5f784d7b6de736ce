package io.xaccess.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xaccess.render.RenderCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every example grant, the plain-language summary {@code xaccess render} prints and the policy
 * matrix's evaluator agree: each principal, action, prefix and condition the summary claims is read
 * from its words and put to iam-simulate against the documents the same render printed — what it
 * says is allowed is Allowed, and the same request outside what it says (another principal, without
 * a claimed condition, outside the prefix, an action it does not name) is denied.
 */
class RenderedSummaryIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OTHER_ACCOUNT = "999999999998";

  /** The summary's verbs and the actions they stand for. */
  private static final Map<String, String> OBJECT_VERBS =
      Map.of(
          "put", "s3:PutObject",
          "get", "s3:GetObject",
          "delete", "s3:DeleteObject");

  static Stream<Path> exampleGrants() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(Path.of("examples"))) {
      for (Path file : walk.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        if (Files.readString(file).contains("kind: CrossAccountAccess\n")) {
          files.add(file);
        }
      }
    }
    return files.stream();
  }

  /** What the summary's first sentence says, read from its words. */
  private record Claims(
      List<String> principals,
      boolean anyPrincipal,
      String account,
      String role,
      List<String> objectActions,
      String prefix,
      String bucket,
      boolean lists,
      String listPrefix,
      List<String> regions,
      String organization,
      String externalId,
      boolean mfa,
      long mfaAgeSeconds) {}

  @ParameterizedTest
  @MethodSource("exampleGrants")
  void theSummaryAndTheEvaluatorAgree(Path example) throws Exception {
    JsonNode output = render(example);
    for (JsonNode grant : output.get("grants")) {
      String summary = grant.get("summary").asText();
      List<String> wrong = new ArrayList<>();
      int cases = disagreements(read(summary), grant.get("policies"), wrong);
      assertThat(cases).as("cases of %s", grant.get("grant")).isGreaterThanOrEqualTo(6);
      assertThat(wrong)
          .as("%s: requests where the evaluator disagrees with \"%s\"", grant.get("grant"), summary)
          .isEmpty();
    }
  }

  /**
   * The teeth: a summary that claims more or other than the documents give (a wider prefix, a
   * principal they do not trust, a region they do not allow) disagrees with the evaluator.
   */
  @org.junit.jupiter.api.Test
  void aSummaryThatMisstatesTheAccessDisagrees() throws Exception {
    JsonNode grant = render(Path.of("examples/hardened.yaml")).get("grants").get(0);
    String summary = grant.get("summary").asText();
    for (String[] lie :
        List.of(
            new String[] {
              "under releases/ in bucket acme-prod-artifacts and",
              "anywhere in bucket acme-prod-artifacts and"
            },
            new String[] {"role/release-*", "role/*"},
            new String[] {
              "from us-east-1 or ap-southeast-2 only", "from us-east-1 or eu-west-1 only"
            },
            new String[] {"put and get objects", "put, get and delete objects"})) {
      assertThat(summary).contains(lie[0]);
      List<String> wrong = new ArrayList<>();
      disagreements(read(summary.replace(lie[0], lie[1])), grant.get("policies"), wrong);
      assertThat(wrong).as("claiming '%s'", lie[1]).isNotEmpty();
    }
  }

  /** Runs the claims' cases through the evaluator; adds each disagreement to {@code wrong}. */
  private static int disagreements(Claims claims, JsonNode policies, List<String> wrong)
      throws Exception {
    List<String> names = new ArrayList<>();
    List<Boolean> expected = new ArrayList<>();
    List<JsonNode> simulations = new ArrayList<>();
    cases(claims, policies, names, expected, simulations);
    List<String> results = IamSimulator.evaluate(simulations);
    for (int i = 0; i < names.size(); i++) {
      boolean allowed = "Allowed".equals(results.get(i));
      boolean denied = results.get(i).endsWith("Denied");
      if (expected.get(i) ? !allowed : !denied) {
        wrong.add(names.get(i) + ": " + results.get(i));
      }
    }
    return names.size();
  }

  private static void cases(
      Claims c,
      JsonNode policies,
      List<String> names,
      List<Boolean> expected,
      List<JsonNode> simulations) {
    JsonNode production = policies.path("production");
    JsonNode trust = production.path("role").path("trustPolicy");
    JsonNode assume = policies.path("development").path("assumePolicy");
    List<String> attached = new ArrayList<>();
    assume.path("attachedToRoles").forEach(r -> attached.add("role/" + r.asText()));
    assume.path("attachedToUsers").forEach(u -> attached.add("user/" + u.asText()));

    List<String> callers = new ArrayList<>();
    if (c.anyPrincipal()) {
      callers.add("arn:aws:iam::" + c.account() + ":role/any-role");
    }
    for (String pattern : c.principals()) {
      callers.add(pattern.replace("*", "x"));
    }
    for (String caller : callers) {
      // Listed principals carry the attached assume policy; others need their own (the summary
      // says so), given here as a policy allowing exactly that.
      JsonNode identity =
          attached.stream().anyMatch(caller::endsWith)
              ? IamSimulator.named("assume", assume.path("document"))
              : IamSimulator.named("own", allow("sts:AssumeRole", c.role()));
      add(
          names,
          expected,
          simulations,
          caller + " with every claimed condition",
          true,
          request(
              caller, "sts:AssumeRole", c.role(), trust, List.of(identity), context(c, caller)));
      for (String region :
          c.regions().subList(Math.min(1, c.regions().size()), c.regions().size())) {
        Map<String, Object> from = context(c, caller);
        from.put("aws:RequestedRegion", region);
        add(
            names,
            expected,
            simulations,
            caller + " from claimed " + region,
            true,
            request(caller, "sts:AssumeRole", c.role(), trust, List.of(identity), from));
      }
      if (!c.regions().isEmpty()) {
        Map<String, Object> elsewhere = context(c, caller);
        elsewhere.put("aws:RequestedRegion", "sa-east-1");
        add(
            names,
            expected,
            simulations,
            caller + " from a region not claimed",
            false,
            request(caller, "sts:AssumeRole", c.role(), trust, List.of(identity), elsewhere));
      }
      if (c.organization() != null) {
        Map<String, Object> outside = context(c, caller);
        outside.put("aws:PrincipalOrgID", "o-someoneelse1");
        add(
            names,
            expected,
            simulations,
            caller + " outside the claimed organization",
            false,
            request(caller, "sts:AssumeRole", c.role(), trust, List.of(identity), outside));
      }
      if (c.externalId() != null) {
        Map<String, Object> without = context(c, caller);
        without.remove("sts:ExternalId");
        add(
            names,
            expected,
            simulations,
            caller + " without the claimed external id",
            false,
            request(caller, "sts:AssumeRole", c.role(), trust, List.of(identity), without));
      }
      if (c.mfa()) {
        Map<String, Object> noMfa = context(c, caller);
        noMfa.put("aws:MultiFactorAuthPresent", "false");
        noMfa.remove("aws:MultiFactorAuthAge");
        add(
            names,
            expected,
            simulations,
            caller + " without MFA",
            false,
            request(caller, "sts:AssumeRole", c.role(), trust, List.of(identity), noMfa));
      }
      if (c.mfaAgeSeconds() > 0) {
        Map<String, Object> stale = context(c, caller);
        stale.put("aws:MultiFactorAuthAge", Long.toString(c.mfaAgeSeconds() + 60));
        add(
            names,
            expected,
            simulations,
            caller + " with an MFA sign-in older than claimed",
            false,
            request(caller, "sts:AssumeRole", c.role(), trust, List.of(identity), stale));
      }
    }
    String stranger =
        c.anyPrincipal()
            ? "arn:aws:iam::" + OTHER_ACCOUNT + ":role/any-role"
            : "arn:aws:iam::" + c.account() + ":role/not-in-the-summary";
    add(
        names,
        expected,
        simulations,
        stranger + " (not claimed)",
        false,
        request(
            stranger,
            "sts:AssumeRole",
            c.role(),
            trust,
            List.of(IamSimulator.named("own", allow("sts:AssumeRole", c.role()))),
            context(c, stranger)));

    // What the role may do: its own policies and the bucket policy, as one session of it.
    List<JsonNode> rolePolicies = new ArrayList<>();
    production
        .path("role")
        .path("policies")
        .fields()
        .forEachRemaining(e -> rolePolicies.add(IamSimulator.named(e.getKey(), e.getValue())));
    JsonNode bucketPolicy = production.path("bucketPolicy");
    JsonNode resourcePolicy =
        bucketPolicy.isNull() || bucketPolicy.isMissingNode() ? null : bucketPolicy;
    String objects = "arn:aws:s3:::" + c.bucket() + "/";
    for (String action : c.objectActions()) {
      add(
          names,
          expected,
          simulations,
          "role " + action + " under " + c.prefix(),
          true,
          request(
              c.role(),
              action,
              objects + c.prefix() + "summary/check.txt",
              resourcePolicy,
              rolePolicies,
              roleContext(c, Map.of())));
      if (!c.prefix().isEmpty()) {
        add(
            names,
            expected,
            simulations,
            "role " + action + " outside " + c.prefix(),
            false,
            request(
                c.role(),
                action,
                objects + "elsewhere/check.txt",
                resourcePolicy,
                rolePolicies,
                roleContext(c, Map.of())));
      }
    }
    for (String action : OBJECT_VERBS.values()) {
      if (!c.objectActions().contains(action)) {
        add(
            names,
            expected,
            simulations,
            "role " + action + " (not claimed)",
            false,
            request(
                c.role(),
                action,
                objects + c.prefix() + "summary/check.txt",
                resourcePolicy,
                rolePolicies,
                roleContext(c, Map.of())));
      }
    }
    String bucket = "arn:aws:s3:::" + c.bucket();
    add(
        names,
        expected,
        simulations,
        "role lists under " + c.listPrefix(),
        c.lists(),
        request(
            c.role(),
            "s3:ListBucket",
            bucket,
            resourcePolicy,
            rolePolicies,
            roleContext(c, Map.of("s3:prefix", c.listPrefix()))));
    if (c.lists() && !c.listPrefix().isEmpty()) {
      add(
          names,
          expected,
          simulations,
          "role lists outside " + c.listPrefix(),
          false,
          request(
              c.role(),
              "s3:ListBucket",
              bucket,
              resourcePolicy,
              rolePolicies,
              roleContext(c, Map.of("s3:prefix", "elsewhere/"))));
    }
  }

  /** The summary's claims, read from its first sentence. */
  static Claims read(String summary) {
    String first = summary.substring(0, summary.indexOf(". ") + 1);
    Matcher who =
        Pattern.compile(
                "^(Any principal|Principals matching (.+?)) in account ([0-9]{12}) may assume"
                    + " (arn:\\S+) for up to (.+?) per session and ")
            .matcher(first);
    assertThat(who.find()).as("who may assume, in: %s", first).isTrue();
    List<String> principals = who.group(2) == null ? List.of() : split(who.group(2));
    Matcher objects =
        Pattern.compile(
                "((?:[a-z]+(?:, | and ))*[a-z]+) objects (?:under (\\S+)|anywhere) in bucket (\\S+?)[ ,.]")
            .matcher(first.substring(who.end()));
    assertThat(objects.lookingAt()).as("object actions, in: %s", first).isTrue();
    List<String> actions = new ArrayList<>();
    for (String verb : objects.group(1).split(", | and ")) {
      assertThat(OBJECT_VERBS).as("verb %s", verb).containsKey(verb);
      actions.add(OBJECT_VERBS.get(verb));
    }
    Matcher list = Pattern.compile("list keys (?:under (\\S+) )?in bucket").matcher(first);
    boolean lists = list.find();
    Matcher regions = Pattern.compile("from (.+?) only").matcher(first);
    Matcher org = Pattern.compile("only inside organization (o-[a-z0-9]+)").matcher(first);
    Matcher externalId = Pattern.compile("only with the external id (<[^>]+>)").matcher(first);
    Matcher mfaAge = Pattern.compile("with an MFA sign-in at most ([0-9]+) h old").matcher(first);
    return new Claims(
        principals,
        who.group(1).equals("Any principal"),
        who.group(3),
        who.group(4),
        actions,
        objects.group(2) == null ? "" : objects.group(2),
        objects.group(3),
        lists,
        lists && list.group(1) != null ? list.group(1) : "",
        regions.find() ? split(regions.group(1)) : List.of(),
        org.find() ? org.group(1) : null,
        externalId.find() ? externalId.group(1) : null,
        first.contains("only when signed in with MFA"),
        mfaAge.find() ? Long.parseLong(mfaAge.group(1)) * 3600 : 0);
  }

  private static List<String> split(String words) {
    return List.of(words.split(", | or "));
  }

  /** A caller's context that meets every condition the summary claims. */
  private static Map<String, Object> context(Claims c, String caller) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("aws:PrincipalArn", caller);
    context.put("aws:PrincipalAccount", caller.split(":")[4]);
    context.put("aws:RequestedRegion", c.regions().isEmpty() ? "eu-central-1" : c.regions().get(0));
    context.put("aws:SecureTransport", "true");
    context.put("aws:MultiFactorAuthPresent", Boolean.toString(c.mfa()));
    if (c.mfa()) {
      context.put("aws:MultiFactorAuthAge", "300");
    }
    if (c.organization() != null) {
      context.put("aws:PrincipalOrgID", c.organization());
    }
    if (c.externalId() != null) {
      context.put("sts:ExternalId", c.externalId());
    }
    return context;
  }

  private static Map<String, Object> roleContext(Claims c, Map<String, Object> extra) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("aws:PrincipalArn", c.role());
    context.put("aws:PrincipalAccount", c.role().split(":")[4]);
    context.put("aws:SecureTransport", "true");
    context.putAll(extra);
    return context;
  }

  private static void add(
      List<String> names,
      List<Boolean> expected,
      List<JsonNode> simulations,
      String name,
      boolean allowed,
      JsonNode simulation) {
    names.add(name);
    expected.add(allowed);
    simulations.add(simulation);
  }

  private static JsonNode request(
      String principal,
      String action,
      String resource,
      JsonNode resourcePolicy,
      List<JsonNode> identity,
      Map<String, Object> context) {
    String account =
        resource.startsWith("arn:aws:s3:::")
            ? principalAccountOfRole(principal, resource)
            : resource.split(":")[4];
    return IamSimulator.request(
        principal, action, resource, account, resourcePolicy, identity, context);
  }

  /** S3 ARNs hold no account: the bucket is the production role's account's. */
  private static String principalAccountOfRole(String principal, String resource) {
    return principal.split(":")[4];
  }

  private static JsonNode allow(String action, String resource) {
    return JSON.valueToTree(
        Map.of(
            "Version",
            "2012-10-17",
            "Statement",
            List.of(Map.of("Effect", "Allow", "Action", action, "Resource", resource))));
  }

  private static JsonNode render(Path example) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        RenderCommand.run(
            List.of("-f", example.toString()),
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return JSON.readTree(out.toByteArray());
  }
}
