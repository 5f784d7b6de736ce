package io.xaccess.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code render --diff} on realistic changes: exactly the IAM facts the change adds and removes,
 * nothing for a change that renders the same documents.
 */
class AccessDiffTest {

  private static final String ROLE = "arn:aws:iam::111111111111:role/DevToProdS3Publisher";
  private static final String BUCKET = "arn:aws:s3:::acme-prod-artifacts";
  private static final String OPERATOR = "arn:aws:iam::111111111111:role/xaccess-deployer";

  @TempDir Path dir;

  /** The grant before each change. */
  private static Grant before() {
    return new Grant();
  }

  @Test
  void anAddedActionAddsItToTheRoleAndTheBucketPolicy() throws Exception {
    JsonNode diff =
        diff(
            before(),
            before().actions("s3:PutObject, s3:GetObject, s3:ListBucket, s3:DeleteObject"));

    assertThat(added(diff))
        .containsExactly(
            "permission: " + ROLE + " may s3:DeleteObject on " + BUCKET + "/releases/*",
            "bucket policy: allows AWS:" + ROLE + " s3:DeleteObject on " + BUCKET + "/releases/*");
    assertThat(removed(diff)).isEmpty();
  }

  @Test
  void anAddedPrincipalMayAssumeTheRoleAndGetsTheAssumePolicy() throws Exception {
    JsonNode diff =
        diff(
            before(),
            before()
                .principals(
                    "arn:aws:iam::222222222222:role/ci-runner",
                    "arn:aws:iam::222222222222:role/deploy-bot"));

    assertThat(added(diff))
        .containsExactly(
            "principal: arn:aws:iam::222222222222:role/deploy-bot may assume " + ROLE,
            "development: the assume policy is attached to role deploy-bot");
    assertThat(removed(diff)).isEmpty();
  }

  @Test
  void aNarrowedPrefixMovesEveryObjectPermissionAndTheLockOut() throws Exception {
    JsonNode diff = diff(before(), before().prefix("releases/prod/"));

    assertThat(removed(diff)).containsExactlyElementsOf(prefixed("releases/"));
    assertThat(added(diff)).containsExactlyElementsOf(prefixed("releases/prod/"));
  }

  private static List<String> prefixed(String prefix) {
    String objects = BUCKET + "/" + prefix + "*";
    return List.of(
        "permission: " + ROLE + " may s3:PutObject on " + objects,
        "permission: " + ROLE + " may s3:GetObject on " + objects,
        "permission: "
            + ROLE
            + " may s3:ListBucket on "
            + BUCKET
            + " if StringLike s3:prefix "
            + prefix
            + "*",
        "bucket policy: allows AWS:" + ROLE + " s3:PutObject on " + objects,
        "bucket policy: allows AWS:" + ROLE + " s3:GetObject on " + objects,
        "bucket policy: allows AWS:"
            + ROLE
            + " s3:ListBucket on "
            + BUCKET
            + " if StringLike s3:prefix "
            + prefix
            + "*",
        "bucket policy: denies * [s3:GetObject*, s3:PutObject*, s3:DeleteObject*, s3:RestoreObject]"
            + " on "
            + objects
            + " if ArnNotEquals aws:PrincipalArn ["
            + ROLE
            + ", "
            + OPERATOR
            + "]");
  }

  @Test
  void aLongerSessionIsTheRolesMaximum() throws Exception {
    JsonNode diff = diff(before(), before().maxSession("4h").sessionDuration("2h"));

    assertThat(removed(diff)).containsExactly("session: sessions of " + ROLE + " last at most 1 h");
    assertThat(added(diff)).containsExactly("session: sessions of " + ROLE + " last at most 4 h");
  }

  @Test
  void aRequiredExternalIdIsANewConditionOnAssumingTheRole() throws Exception {
    JsonNode diff = diff(before(), before().trust("externalId: ci-external-id-2026"));

    assertThat(added(diff))
        .containsExactly(
            "condition: assuming "
                + ROLE
                + " requires StringEquals sts:ExternalId <external id: inline, sha256 "
                + sha256("ci-external-id-2026").substring(0, 12)
                + ">");
    assertThat(removed(diff)).isEmpty();
    assertThat(diff.toString()).doesNotContain("ci-external-id-2026");
  }

  @Test
  void anotherRegionReplacesTheRegionCondition() throws Exception {
    JsonNode diff = diff(before(), before().trust("regions: [us-east-1, eu-west-1]"));

    assertThat(removed(diff))
        .containsExactly(
            "condition: assuming " + ROLE + " requires StringEquals aws:RequestedRegion us-east-1");
    assertThat(added(diff))
        .containsExactly(
            "condition: assuming "
                + ROLE
                + " requires StringEquals aws:RequestedRegion [us-east-1, eu-west-1]");
  }

  @Test
  void aChangeThatRendersTheSameDocumentsChangesNothing() throws Exception {
    // Reordered actions and another verification interval: other parameters, same access.
    Grant same = before().actions("s3:ListBucket, s3:GetObject, s3:PutObject").interval("10m");

    JsonNode diff = diff(before(), same);

    assertThat(added(diff)).isEmpty();
    assertThat(removed(diff)).isEmpty();
    RenderCommandTest.Run text =
        RenderCommandTest.render(
            "", "-f", write("new", same), "--diff", write("old", before()), "-o", "text");
    assertThat(text.out()).contains("Change from before:\nNo change to the access.\n");
  }

  @Test
  void theTextDiffListsRemovalsThenAdditions() throws Exception {
    RenderCommandTest.Run run =
        RenderCommandTest.render(
            "",
            "-f",
            write("new", before().maxSession("4h")),
            "--diff",
            write("old", before()),
            "-o",
            "text");

    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains(
            "Change from before:\n"
                + "- session: sessions of "
                + ROLE
                + " last at most 1 h\n"
                + "+ session: sessions of "
                + ROLE
                + " last at most 4 h\n");
  }

  @Test
  void aNewGrantAddsAllItsFactsAndARemovedOneRemovesThem() throws Exception {
    RenderCommandTest.Run run =
        RenderCommandTest.render(
            "", "-f", write("new", before().name("other")), "--diff", write("old", before()));

    JsonNode output = run.json();
    JsonNode grant = output.get("grants").get(0);
    assertThat(grant.get("grant").asText()).isEqualTo("platform/other");
    assertThat(removed(grant.get("diff"))).isEmpty();
    assertThat(added(grant.get("diff")))
        .contains("principal: arn:aws:iam::222222222222:role/ci-runner may assume " + ROLE);
    JsonNode gone = output.get("removedGrants").get(0);
    assertThat(gone.get("grant").asText()).isEqualTo("platform/ci-publisher");
    assertThat(added(gone.get("diff"))).isEmpty();
    assertThat(removed(gone.get("diff"))).isNotEmpty();
  }

  private JsonNode diff(Grant old, Grant now) throws Exception {
    RenderCommandTest.Run run =
        RenderCommandTest.render("", "-f", write("new", now), "--diff", write("old", old));
    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    return run.json().get("grants").get(0).get("diff");
  }

  private String write(String name, Grant grant) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, grant.yaml());
    return file.toString();
  }

  private static List<String> added(JsonNode diff) {
    return strings(diff.get("added"));
  }

  private static List<String> removed(JsonNode diff) {
    return strings(diff.get("removed"));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String sha256(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** A grant manifest, changed one field at a time. */
  private static final class Grant {
    private String name = "ci-publisher";
    private List<String> principals = List.of("arn:aws:iam::222222222222:role/ci-runner");
    private String prefix = "releases/";
    private String actions = "s3:PutObject, s3:GetObject, s3:ListBucket";
    private String maxSession = "1h";
    private String sessionDuration = "1h";
    private List<String> trust = new ArrayList<>(List.of("regions: [us-east-1]"));
    private String interval = "1h";

    Grant name(String value) {
      name = value;
      return this;
    }

    Grant principals(String... values) {
      principals = List.of(values);
      return this;
    }

    Grant prefix(String value) {
      prefix = value;
      return this;
    }

    Grant actions(String value) {
      actions = value;
      return this;
    }

    Grant maxSession(String value) {
      maxSession = value;
      return this;
    }

    Grant sessionDuration(String value) {
      sessionDuration = value;
      return this;
    }

    /** A trust field; regions replaces the regions. */
    Grant trust(String field) {
      if (field.startsWith("regions:")) {
        trust.remove(0);
        trust.add(0, field);
      } else {
        trust.add(field);
      }
      return this;
    }

    Grant interval(String value) {
      interval = value;
      return this;
    }

    String yaml() {
      StringBuilder out =
          new StringBuilder(
              "apiVersion: xaccess.io/v1alpha1\n"
                  + "kind: CrossAccountAccess\n"
                  + "metadata: {name: "
                  + name
                  + ", namespace: platform}\n"
                  + "spec:\n"
                  + "  production: {accountId: \"111111111111\", region: ap-southeast-2}\n"
                  + "  development:\n"
                  + "    accountId: \"222222222222\"\n"
                  + "    region: us-east-1\n"
                  + "    principals:\n");
      principals.forEach(p -> out.append("      - ").append(p).append('\n'));
      out.append("  bucket: {name: acme-prod-artifacts, prefix: ").append(prefix).append("}\n");
      out.append("  role: {actions: [")
          .append(actions)
          .append("], maxSessionDuration: ")
          .append(maxSession)
          .append("}\n");
      out.append("  sessionDuration: ").append(sessionDuration).append('\n');
      out.append("  trust:\n");
      trust.forEach(t -> out.append("    ").append(t).append('\n'));
      out.append("  verification: {interval: ").append(interval).append("}\n");
      return out.toString();
    }
  }
}
