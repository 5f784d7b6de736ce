package io.xaccess.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaccess.render.GrantManifest;
import io.xaccess.render.RenderSettings;
import io.xaccess.render.RenderedGrant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The documents the operator's own production template declares for the basic example. */
class DeclaredDocumentsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static DeclaredDocuments declared;
  private static String roleArn;

  @BeforeAll
  static void render() throws Exception {
    var resource =
        GrantManifest.read(Files.readString(Path.of("examples/basic.yaml")), "basic.yaml").get(0);
    RenderedGrant rendered = RenderedGrant.of(resource, RenderSettings.defaults());
    declared = DeclaredDocuments.of(rendered.policies(), rendered.grant().bucket().name());
    roleArn = rendered.policies().roleArn();
  }

  /** A document as IAM hands it back: statements reversed, compact, URL-encoded. */
  private static String asIamReturnsIt(JsonNode document) throws Exception {
    ObjectNode copy = document.deepCopy();
    ArrayNode reversed = JSON.createArrayNode();
    List<JsonNode> statements = new java.util.ArrayList<>();
    copy.path("Statement").forEach(statements::add);
    java.util.Collections.reverse(statements);
    reversed.addAll(statements);
    copy.set("Statement", reversed);
    return URLEncoder.encode(JSON.writeValueAsString(copy), StandardCharsets.UTF_8);
  }

  private static DeclaredDocuments.Live asDeployed() throws Exception {
    Map<String, String> policies = new LinkedHashMap<>();
    for (var e : declared.rolePolicies().entrySet()) {
      policies.put(e.getKey(), asIamReturnsIt(e.getValue()));
    }
    return new DeclaredDocuments.Live(
        asIamReturnsIt(declared.trust()),
        policies,
        Optional.of(JSON.writeValueAsString(declared.bucketPolicy().orElseThrow())),
        Optional.of(JSON.writeValueAsString(declared.keyPolicy().orElseThrow())));
  }

  @Test
  void theDeployedDocumentsInAwsFormAreNoDrift() throws Exception {
    assertThat(declared.rolePolicies()).containsKey("xaccess-objects");
    assertThat(declared.compare(asDeployed(), "aws")).isEmpty();
  }

  @Test
  void aDeletedPolicyAnAddedOneAndAReplacedBucketPolicyAreEachNamed() throws Exception {
    DeclaredDocuments.Live live = asDeployed();
    Map<String, String> policies = new LinkedHashMap<>(live.rolePolicies());
    policies.remove("xaccess-objects");
    policies.put(
        "console-edit",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
            + "\"Resource\":\"*\"}]}");
    String foreign =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Everyone\",\"Effect\":\"Allow\","
            + "\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::"
            + declared.bucketName()
            + "/*\"}]}";
    var findings =
        declared.compare(
            new DeclaredDocuments.Live(
                live.trust(), policies, Optional.of(foreign), live.keyPolicy()),
            "aws");
    String role = "role " + declared.roleName();
    assertThat(findings)
        .extracting(DeclaredDocuments.Finding::message)
        .hasSize(3)
        .contains(
            "policy xaccess-objects of " + role + ": deleted",
            "policy console-edit of " + role + ": added: statement (Allow s3:* on *)");
    String bucket = findings.get(2).message();
    assertThat(bucket)
        .startsWith("bucket policy of " + declared.bucketName() + ": ")
        // Matched with the declared statement on the same objects: the danger is named first.
        .contains(
            "statement AllowRoleObjectAccess: principal AWS:* added; principal AWS:"
                + roleArn
                + " removed")
        .contains("statement DenyInsecureTransport removed", "statement AllowRoleListing removed");
  }

  @Test
  void aDeletedBucketPolicyIsNamedAndAnUnmanagedOneIsNotLookedAt() throws Exception {
    DeclaredDocuments.Live live = asDeployed();
    DeclaredDocuments.Live noPolicy =
        new DeclaredDocuments.Live(
            live.trust(), live.rolePolicies(), Optional.empty(), live.keyPolicy());
    assertThat(declared.compare(noPolicy, "aws"))
        .extracting(DeclaredDocuments.Finding::message)
        .containsExactly("bucket policy of " + declared.bucketName() + ": deleted");
    DeclaredDocuments unmanaged =
        new DeclaredDocuments(
            declared.roleName(),
            declared.trust(),
            declared.rolePolicies(),
            declared.bucketName(),
            Optional.empty(),
            declared.keyPolicy());
    assertThat(unmanaged.compare(noPolicy, "aws")).isEmpty();
  }
}
