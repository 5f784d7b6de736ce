package io.xaccess.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessSpec;
import io.xaccess.grant.Durations;
import io.xaccess.grant.GrantProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code xaccess render}: a CrossAccountAccess manifest rendered offline — no cluster, no AWS, no
 * credentials — into the two stacks the operator would deploy (templates and parameters), the IAM
 * documents they create and a plain-language summary; with {@code --diff OLD}, what the change from
 * OLD adds to and removes from the access. Exit 0 when rendered, 2 when the input is invalid (each
 * problem named by its field), 1 on an unexpected failure.
 */
public final class RenderCommand {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int INVALID = 2;

  static final String USAGE =
      """
      Usage: xaccess render -f FILE|- [--diff OLD_FILE] [-o json|text] [options]

      Renders CrossAccountAccess manifests offline, through the operator's own code: the two
      CloudFormation templates with their parameters, the IAM documents they create (production
      role trust and policies, bucket policy, key policy, development assume policy) and a
      plain-language summary. No cluster, AWS account or credentials are used.

        -f, --filename FILE        the manifest (- for standard input); other kinds are skipped
            --diff OLD_FILE        also print what the change from OLD_FILE adds and removes, in
                                   IAM terms (principals, actions, resources, conditions, session)
        -o, --output json|text     json (default): everything, one JSON document;
                                   text: the summary (and the diff) only, for a review comment
            --namespace NS         namespace of a manifest that names none (default: default)
            --partition P          AWS partition (default: aws)
            --deployer-role-name N the operator's xaccess.aws.deployer-role-name
                                   (default: xaccess-deployer, the chart's; none: its own identity)
            --permissions-boundary-name N
                                   the operator's xaccess.aws.permissions-boundary-name
                                   (default: xaccess-grant-boundary; none: no boundary)
        -h, --help                 this text

      Exit status: 0 rendered; 2 invalid input (each problem names its field); 1 failure.
      Not checked offline: the CRD's CEL rules, tenancy policies, Secrets, and anything in AWS.
      """;

  /** What offline rendering cannot tell; printed with every render. */
  static final List<String> NOT_CHECKED =
      List.of(
          "The CRD's CEL rules (x-kubernetes-validations: account ids, ARNs, regions, durations,"
              + " cross-field and immutability rules) need the API server; render checks the CRD's"
              + " structural schema and the templates' own parameter constraints only.",
          "Tenancy: whether a CrossAccountAccessPolicy permits this grant in its namespace, and"
              + " the deployer role such a policy may name.",
          "Secrets: the external id's value and whether its Secret exists and is marked for"
              + " xaccess.",
          "AWS: whether the accounts, deployer roles, principals and an existing bucket or key"
              + " exist, and policies outside the stacks (SCPs, the principals' own policies, an"
              + " existing bucket policy the stack does not manage).");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RenderCommand() {}

  /**
   * Runs {@code render} with its arguments (the word {@code render} itself excluded).
   *
   * @return the exit status
   */
  public static int run(List<String> args, InputStream stdin, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("xaccess render: " + e.getMessage());
      err.println("Run 'xaccess render --help' for usage.");
      return INVALID;
    }
    if (options.help) {
      out.print(USAGE);
      return OK;
    }
    try {
      List<Rendered> now = render(options.file, stdin, options.settings);
      List<Rendered> before =
          options.diff == null ? null : render(options.diff, stdin, options.settings);
      if ("text".equals(options.output)) {
        out.print(text(now, before));
      } else {
        out.println(JSON.writeValueAsString(json(now, before)));
      }
      return OK;
    } catch (GrantManifest.InvalidManifest e) {
      err.println("xaccess render: invalid input:");
      e.problems().forEach(p -> err.println("  " + p));
      return INVALID;
    } catch (java.nio.file.NoSuchFileException e) {
      err.println("xaccess render: no such file: " + e.getFile());
      return INVALID;
    } catch (IOException e) {
      err.println("xaccess render: cannot read the input: " + e);
      return INVALID;
    } catch (RuntimeException | GrantProblem e) {
      err.println("xaccess render: failed: " + e);
      return FAILED;
    }
  }

  /** One grant of a manifest, rendered. */
  record Rendered(String key, RenderedGrant grant, EffectiveAccess access, String lifetime) {}

  /** Every grant of {@code file}, rendered; problems of any of them make the file invalid. */
  static List<Rendered> render(String file, InputStream stdin, RenderSettings settings)
      throws IOException, GrantManifest.InvalidManifest, GrantProblem {
    String text =
        "-".equals(file)
            ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(Path.of(file));
    String source = "-".equals(file) ? "<stdin>" : file;
    List<Rendered> rendered = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (CrossAccountAccess resource : GrantManifest.read(text, source)) {
      String where = "CrossAccountAccess " + resource.getMetadata().getName();
      List<String> found = durations(resource.getSpec());
      if (found.isEmpty()) {
        RenderedGrant grant = RenderedGrant.of(resource, settings);
        found = refusedParameters(grant);
        if (found.isEmpty()) {
          rendered.add(
              new Rendered(
                  grant.grant().namespace() + "/" + grant.grant().name(),
                  grant,
                  EffectiveAccess.of(grant.policies()),
                  lifetime(resource.getSpec())));
        }
      }
      found.forEach(p -> problems.add(where + ": " + p));
    }
    if (!problems.isEmpty()) {
      throw new GrantManifest.InvalidManifest(source, problems);
    }
    return rendered;
  }

  /** Durations the operator parses, named by field (their syntax is a CEL rule of the CRD). */
  private static List<String> durations(CrossAccountAccessSpec spec) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("spec.sessionDuration", spec.getSessionDuration());
    fields.put("spec.ttl", spec.getTtl());
    if (spec.getRole() != null) {
      fields.put("spec.role.maxSessionDuration", spec.getRole().getMaxSessionDuration());
    }
    if (spec.getTrust() != null) {
      fields.put("spec.trust.maxMfaAge", spec.getTrust().getMaxMfaAge());
    }
    if (spec.getVerification() != null) {
      fields.put("spec.verification.interval", spec.getVerification().getInterval());
    }
    List<String> problems = new ArrayList<>();
    fields.forEach(
        (field, value) -> {
          if (value != null) {
            try {
              Durations.parse(value);
            } catch (IllegalArgumentException e) {
              problems.add(field + ": '" + value + "' is not a duration such as 30m, 1h or 1h30m");
            }
          }
        });
    return problems;
  }

  /** The spec field each template parameter comes from, for a refusal's message. */
  private static final Map<String, String> FIELDS =
      Map.ofEntries(
          Map.entry("DevelopmentAccountId", "spec.development.accountId"),
          Map.entry("PrincipalArnPatterns", "spec.development.principals"),
          Map.entry("VerifierRoleArn", "spec.development.accountId"),
          Map.entry("VerifierSessionName", "metadata.name"),
          Map.entry("AllowedRegions", "spec.trust.regions"),
          Map.entry("MaxMfaAgeSeconds", "spec.trust.maxMfaAge"),
          Map.entry("OrganizationId", "spec.trust.organizationId"),
          Map.entry("RoleName", "spec.role.name"),
          Map.entry("MaxSessionDurationSeconds", "spec.role.maxSessionDuration"),
          Map.entry("S3ObjectActions", "spec.role.actions"),
          Map.entry("S3ListActions", "spec.role.actions"),
          Map.entry("S3BucketActions", "spec.role.actions"),
          Map.entry("BucketName", "spec.bucket.name"),
          Map.entry("ObjectPrefix", "spec.bucket.prefix"),
          Map.entry("VerificationPrefix", "spec.bucket.prefix"),
          Map.entry("Encryption", "spec.bucket.encryption"),
          Map.entry("ExistingKmsKeyArn", "spec.bucket.encryption"),
          Map.entry("GrantUid", "metadata.uid"),
          Map.entry("ProductionRoleArn", "spec.production.accountId or spec.role.name"),
          Map.entry("VerifierRoleName", "metadata.name"),
          Map.entry("AssumerRoleName", "spec.development.assumerRole.name"),
          Map.entry("AssumerTrustedBy", "spec.development.assumerRole.trustedBy"),
          Map.entry("AttachToRoles", "spec.development.principals"),
          Map.entry("AttachToUsers", "spec.development.principals"));

  /** Parameters CloudFormation would refuse, named by the field they come from. */
  private static List<String> refusedParameters(RenderedGrant grant) {
    // The first refusal per field: one bad account id makes several ARNs refused.
    Map<String, String> problems = new LinkedHashMap<>();
    for (RenderedGrant.Stack stack : List.of(grant.production(), grant.development())) {
      String side = stack.request().template().name().toLowerCase(Locale.ROOT);
      stack
          .request()
          .parameters()
          .forEach(
              (parameter, value) ->
                  stack
                      .template()
                      .refusal(parameter, value)
                      .ifPresent(
                          why -> {
                            String field =
                                "PermissionsBoundaryArn".equals(parameter)
                                    ? "spec." + side + ".accountId or --permissions-boundary-name"
                                    : FIELDS.getOrDefault(parameter, "spec");
                            problems.putIfAbsent(
                                field,
                                field
                                    + ": CloudFormation would refuse the "
                                    + side
                                    + " stack's parameter "
                                    + parameter
                                    + ": "
                                    + why);
                          }));
    }
    return List.copyOf(problems.values());
  }

  private static String lifetime(CrossAccountAccessSpec spec) {
    if (spec.getExpiresAt() != null) {
      return "The access ends at " + spec.getExpiresAt() + " (spec.expiresAt).";
    }
    if (spec.getTtl() != null) {
      return "The access ends "
          + EffectiveAccess.words(Durations.parse(spec.getTtl()))
          + " after the grant is first Ready (spec.ttl).";
    }
    return "";
  }

  private static String summary(Rendered r) {
    return r.lifetime().isEmpty()
        ? r.access().summary()
        : r.access().summary() + " " + r.lifetime();
  }

  private static ObjectNode json(List<Rendered> now, List<Rendered> before) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode grants = out.putArray("grants");
    Map<String, Rendered> old = byKey(before);
    for (Rendered r : now) {
      ObjectNode g = grants.addObject();
      g.put("grant", r.key());
      g.put("summary", summary(r));
      if (before != null) {
        g.set("diff", diff(old.get(r.key()), r).toJson());
      }
      g.set("policies", r.grant().policies().toJson());
      ObjectNode stacks = g.putObject("stacks");
      stacks.set("production", stack(r.grant().production()));
      stacks.set("development", stack(r.grant().development()));
      g.set("assumptions", JSON.valueToTree(r.grant().assumptions()));
    }
    if (before != null) {
      ArrayNode removed = out.putArray("removedGrants");
      List<String> keys = now.stream().map(Rendered::key).toList();
      before.stream()
          .filter(r -> !keys.contains(r.key()))
          .forEach(
              r -> removed.addObject().put("grant", r.key()).set("diff", diff(r, null).toJson()));
    }
    out.set("notCheckedOffline", JSON.valueToTree(NOT_CHECKED));
    return out;
  }

  private static ObjectNode stack(RenderedGrant.Stack stack) {
    ObjectNode s = JSON.createObjectNode();
    s.put("stackName", stack.request().stackName());
    s.put("accountId", stack.accountId());
    s.put("region", stack.region());
    s.put("template", "cloudformation/" + templateFile(stack));
    ObjectNode parameters = s.putObject("parameters");
    stack
        .request()
        .parameters()
        .forEach(
            // NoEcho values (the external id) are already placeholders: RenderedGrant never holds
            // a secret value.
            parameters::put);
    s.set("tags", JSON.valueToTree(stack.request().tags()));
    s.put("templateBody", stack.request().template().body());
    return s;
  }

  private static String templateFile(RenderedGrant.Stack stack) {
    return stack.request().template().name().toLowerCase(Locale.ROOT) + ".yaml";
  }

  private static String text(List<Rendered> now, List<Rendered> before) {
    StringBuilder out = new StringBuilder();
    Map<String, Rendered> old = byKey(before);
    for (Rendered r : now) {
      out.append(r.key()).append(":\n").append(summary(r)).append("\n");
      if (before != null) {
        out.append("\nChange from ")
            .append(old.containsKey(r.key()) ? "before" : "nothing (new grant)")
            .append(":\n");
        out.append(diff(old.get(r.key()), r).text());
      }
      out.append("\n");
    }
    if (before != null) {
      List<String> keys = now.stream().map(Rendered::key).toList();
      for (Rendered r : before) {
        if (!keys.contains(r.key())) {
          out.append(r.key()).append(": removed\n").append(diff(r, null).text()).append("\n");
        }
      }
    }
    return out.toString();
  }

  private static AccessDiff diff(Rendered before, Rendered after) {
    if (before == null) {
      return new AccessDiff(after.access().facts(), List.of());
    }
    if (after == null) {
      return new AccessDiff(List.of(), before.access().facts());
    }
    return AccessDiff.between(before.access(), after.access());
  }

  private static Map<String, Rendered> byKey(List<Rendered> rendered) {
    Map<String, Rendered> map = new LinkedHashMap<>();
    if (rendered != null) {
      rendered.forEach(r -> map.put(r.key(), r));
    }
    return map;
  }

  /** The command line. */
  private static final class Options {
    String file;
    String diff;
    String output = "json";
    boolean help;
    RenderSettings settings = RenderSettings.defaults();

    static Options parse(List<String> args) {
      Options o = new Options();
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        String name = arg;
        String inline = null;
        if (arg.startsWith("--") && arg.contains("=")) {
          name = arg.substring(0, arg.indexOf('='));
          inline = arg.substring(arg.indexOf('=') + 1);
        }
        final int at = i;
        final String given = inline;
        Function<String, String> value =
            option -> {
              if (given != null) {
                return given;
              }
              if (at + 1 >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value");
              }
              return args.get(at + 1);
            };
        switch (name) {
          case "-h", "--help" -> o.help = true;
          case "-f", "--filename" -> o.file = value.apply(name);
          case "--diff" -> o.diff = value.apply(name);
          case "-o", "--output" -> {
            o.output = value.apply(name);
            if (!List.of("json", "text").contains(o.output)) {
              throw new IllegalArgumentException("--output must be json or text, not " + o.output);
            }
          }
          case "--namespace", "-n" -> o.settings = o.settings.withNamespace(value.apply(name));
          case "--partition" -> o.settings = o.settings.withPartition(value.apply(name));
          case "--deployer-role-name" ->
              o.settings = o.settings.withDeployerRoleName(value.apply(name));
          case "--permissions-boundary-name" ->
              o.settings = o.settings.withPermissionsBoundaryName(value.apply(name));
          default -> throw new IllegalArgumentException("unknown argument " + arg);
        }
        if (inline == null && !List.of("-h", "--help").contains(name)) {
          i++;
        }
      }
      if (!o.help && o.file == null) {
        throw new IllegalArgumentException("-f FILE (or -f - for standard input) is required");
      }
      if ("-".equals(o.file) && "-".equals(o.diff)) {
        throw new IllegalArgumentException("-f and --diff cannot both read standard input");
      }
      return o;
    }
  }
}
