package io.xaccess.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaccess.aws.ProductionPolicies.Encryption;
import io.xaccess.aws.ProductionPolicies.Live;
import io.xaccess.aws.ProductionPolicies.PublicAccess;
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
    declared = DeclaredDocuments.of(rendered.policies(), rendered.production().template());
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

  private static Live asDeployed() throws Exception {
    Map<String, String> policies = new LinkedHashMap<>();
    for (var e : declared.rolePolicies().entrySet()) {
      policies.put(e.getKey(), asIamReturnsIt(e.getValue()));
    }
    Encryption encryption = declared.encryption().orElseThrow();
    String keyArn = encryption.keyId().orElseThrow();
    return live(
        asIamReturnsIt(declared.trust()),
        policies,
        List.of(),
        Optional.of(JSON.writeValueAsString(declared.bucketPolicy().orElseThrow())),
        // S3 names the key as it was given; an id is the same key as its ARN.
        Optional.of(
            new Encryption(
                "aws:kms", Optional.of(keyArn.substring(keyArn.indexOf(":key/") + 5)), true)),
        Optional.of(PublicAccess.ALL_BLOCKED),
        Optional.of(JSON.writeValueAsString(declared.keyPolicy().orElseThrow())));
  }

  private static Live live(
      String trust,
      Map<String, String> policies,
      List<String> attached,
      Optional<String> bucketPolicy,
      Optional<Encryption> encryption,
      Optional<PublicAccess> publicAccess,
      Optional<String> keyPolicy) {
    return new Live(
        true,
        trust,
        declared.permissionsBoundary(),
        declared.maxSessionSeconds(),
        policies,
        attached,
        true,
        bucketPolicy,
        encryption,
        publicAccess,
        keyPolicy);
  }

  @Test
  void theDeployedDocumentsInAwsFormAreNoDrift() throws Exception {
    assertThat(declared.rolePolicies()).containsKey("xaccess-objects");
    assertThat(declared.compare(asDeployed(), "aws")).isEmpty();
  }

  @Test
  void aDeletedPolicyAnAddedOneAndAReplacedBucketPolicyAreEachNamed() throws Exception {
    Live live = asDeployed();
    Map<String, String> policies = new LinkedHashMap<>(live.inlinePolicies());
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
            live(
                live.trust(),
                policies,
                List.of(),
                Optional.of(foreign),
                live.encryption(),
                live.publicAccess(),
                live.keyPolicy()),
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
    Live live = asDeployed();
    Live noPolicy =
        live(
            live.trust(),
            live.inlinePolicies(),
            List.of(),
            Optional.empty(),
            live.encryption(),
            live.publicAccess(),
            live.keyPolicy());
    assertThat(declared.compare(noPolicy, "aws"))
        .extracting(DeclaredDocuments.Finding::message)
        .containsExactly("bucket policy of " + declared.bucketName() + ": deleted");
    DeclaredDocuments unmanaged =
        new DeclaredDocuments(
            declared.roleName(),
            declared.trust(),
            declared.maxSessionSeconds(),
            declared.permissionsBoundary(),
            declared.rolePolicies(),
            declared.bucketName(),
            Optional.empty(),
            declared.keyPolicy(),
            declared.encryption(),
            declared.publicAccess());
    assertThat(unmanaged.compare(noPolicy, "aws")).isEmpty();
  }

  @Test
  void roleSettingsAnAttachedPolicyAndTheBucketSettingsAreEachNamedWithTheirKind()
      throws Exception {
    Live deployed = asDeployed();
    Live changed =
        new Live(
            true,
            deployed.trust(),
            "",
            43200,
            deployed.inlinePolicies(),
            List.of("arn:aws:iam::aws:policy/AdministratorAccess"),
            true,
            deployed.bucketPolicy(),
            Optional.of(new Encryption("AES256", Optional.empty(), true)),
            Optional.of(new PublicAccess(true, true, false, true)),
            deployed.keyPolicy());
    var findings = declared.compare(changed, "aws");
    assertThat(findings)
        .extracting(DeclaredDocuments.Finding::kind)
        .containsExactly(
            DeclaredDocuments.Kind.MAX_SESSION,
            DeclaredDocuments.Kind.PERMISSIONS_BOUNDARY,
            DeclaredDocuments.Kind.ATTACHED_POLICY,
            DeclaredDocuments.Kind.ENCRYPTION,
            DeclaredDocuments.Kind.PUBLIC_ACCESS);
    String role = "role " + declared.roleName();
    assertThat(findings)
        .extracting(DeclaredDocuments.Finding::message)
        .containsExactly(
            "maximum session duration of " + role + ": 3600 s changed to 43200 s",
            "permissions boundary of " + role + ": " + declared.permissionsBoundary() + " removed",
            "managed policy arn:aws:iam::aws:policy/AdministratorAccess of "
                + role
                + ": attached (the stack attaches no managed policy)",
            "encryption of bucket "
                + declared.bucketName()
                + ": algorithm aws:kms changed to AES256; key "
                + declared.encryption().orElseThrow().keyId().orElseThrow()
                + " removed",
            "public access block of bucket "
                + declared.bucketName()
                + ": BlockPublicPolicy turned off");
    assertThat(findings.get(2).subject()).isEqualTo("arn:aws:iam::aws:policy/AdministratorAccess");
  }

  @Test
  void aRoleOrBucketDeletedOutsideTheStackIsNamedAndNotRepairable() throws Exception {
    Live deployed = asDeployed();
    Live gone =
        new Live(
            false,
            "",
            "",
            0,
            Map.of(),
            List.of(),
            false,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    var findings = declared.compare(gone, "aws");
    assertThat(findings)
        .extracting(DeclaredDocuments.Finding::kind)
        .containsExactly(DeclaredDocuments.Kind.ROLE_GONE, DeclaredDocuments.Kind.BUCKET_GONE);
    assertThat(findings).noneMatch(f -> f.kind().repairable());
    assertThat(declared.compare(deployed, "aws")).isEmpty();
  }

  @Test
  void aLiveDocumentThatIsNoJsonIsAFindingNotAFailure() throws Exception {
    Live deployed = asDeployed();
    Map<String, String> policies = new LinkedHashMap<>(deployed.inlinePolicies());
    policies.put("xaccess-objects", "{'Version': '2012-10-17'}");
    policies.put("python-repr", "{'Statement': []}");
    var findings =
        declared.compare(
            live(
                deployed.trust(),
                policies,
                List.of(),
                deployed.bucketPolicy(),
                deployed.encryption(),
                deployed.publicAccess(),
                deployed.keyPolicy()),
            "aws");
    assertThat(findings)
        .extracting(DeclaredDocuments.Finding::kind)
        .containsExactly(
            DeclaredDocuments.Kind.ROLE_POLICY, DeclaredDocuments.Kind.EXTRA_ROLE_POLICY);
    assertThat(findings.get(0).message()).contains("not a JSON policy document");
    assertThat(findings.get(1).message()).contains("added: not a JSON policy document");
  }
}
