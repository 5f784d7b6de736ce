package io.xaccess.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PolicyDriftTest {

  private static final String TRUST =
      """
      {"Version": "2012-10-17", "Statement": [
        {"Sid": "DevelopmentPrincipals", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
         "Action": "sts:AssumeRole",
         "Condition": {
           "ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::222222222222:role/ci-*"]},
           "StringEquals": {"aws:PrincipalAccount": "222222222222",
                            "aws:RequestedRegion": ["eu-west-1", "eu-central-1"],
                            "sts:ExternalId": "s3cr3t-value"}}},
        {"Sid": "XaccessVerifier", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
         "Action": "sts:AssumeRole",
         "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/v"}}}]}
      """;

  private static final String OBJECTS =
      """
      {"Version": "2012-10-17", "Statement": [{"Sid": "ObjectAccessWithinPrefix",
        "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": "arn:aws:s3:::acme-prod/ci/*"}]}
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String edit(String document, Consumer<JsonNode> change) {
    try {
      JsonNode tree = JSON.readTree(document);
      change.accept(tree);
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> changes(String declared, String live) {
    return PolicyDrift.changes(
        PolicyMeaning.parse(declared, "aws"), PolicyMeaning.parse(live, "aws"));
  }

  @Test
  void aReserialisedDocumentOfTheSameMeaningIsNoDrift() {
    // As IAM hands it back: URL-encoded, no whitespace, statements and values in another order,
    // single values as one-item lists, keys and actions in another case, the account as an id,
    // and without Sids.
    String live =
        """
        {"Statement":[
         {"Condition":{"ArnEquals":{"AWS:PrincipalArn":["arn:aws:iam::222222222222:role/v"]}},
          "Action":["STS:AssumeRole"],"Principal":{"AWS":["222222222222"]},"Effect":"Allow"},
         {"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:assumerole",
          "Condition":{"StringEquals":{"sts:externalid":"s3cr3t-value",
             "aws:RequestedRegion":["eu-central-1","eu-west-1"],
             "aws:PrincipalAccount":["222222222222"]},
           "ArnLike":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/ci-*"}}}],
         "Version":"2012-10-17"}
        """;
    assertThat(changes(TRUST, URLEncoder.encode(live, StandardCharsets.UTF_8))).isEmpty();
    assertThat(PolicyMeaning.parse(TRUST, "aws").sameAs(PolicyMeaning.parse(live, "aws"))).isTrue();
  }

  @Test
  void anActionAddedToTheObjectPolicyIsNamed() {
    String live = OBJECTS.replace("\"s3:PutObject\"", "\"s3:PutObject\", \"s3:DeleteObject\"");
    assertThat(changes(OBJECTS, live))
        .containsExactly("statement ObjectAccessWithinPrefix: action s3:deleteobject added");
  }

  @Test
  void aPrincipalAddedToTheTrustIsNamed() {
    String live =
        edit(
            TRUST,
            d ->
                ((ObjectNode) d.path("Statement").get(0).path("Principal"))
                    .putArray("AWS")
                    .add("arn:aws:iam::222222222222:root")
                    .add("arn:aws:iam::333333333333:role/x"));
    assertThat(changes(TRUST, live))
        .containsExactly(
            "statement DevelopmentPrincipals: principal AWS:arn:aws:iam::333333333333:role/x added");
  }

  @Test
  void aStatementAddedOrRemovedIsDescribedWhole() {
    String widened =
        OBJECTS.replace(
            "}]}", "}, {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}");
    assertThat(changes(OBJECTS, widened)).containsExactly("statement (Allow s3:* on *) added");
    String emptied = "{\"Version\": \"2012-10-17\", \"Statement\": []}";
    assertThat(changes(OBJECTS, emptied))
        .containsExactly("statement ObjectAccessWithinPrefix removed");
  }

  @Test
  void aConditionLoosenedIsNamedAndAnExternalIdIsNeverWrittenOut() {
    String live =
        TRUST
            .replace("\"eu-west-1\", \"eu-central-1\"", "\"eu-west-1\", \"us-east-1\"")
            .replace("s3cr3t-value", "other-value");
    assertThat(live).contains("us-east-1");
    List<String> changes = changes(TRUST, live);
    assertThat(changes)
        .containsExactly(
            "statement DevelopmentPrincipals: condition StringEquals aws:requestedregion value"
                + " us-east-1 added; condition StringEquals aws:requestedregion value eu-central-1"
                + " removed; condition StringEquals sts:externalid changed");
    assertThat(String.join(" ", changes)).doesNotContain("s3cr3t").doesNotContain("other-value");

    String dropped =
        edit(
            TRUST,
            d ->
                ((ObjectNode) d.path("Statement").get(0).path("Condition").path("StringEquals"))
                    .remove("sts:ExternalId"));
    assertThat(changes(TRUST, dropped))
        .containsExactly(
            "statement DevelopmentPrincipals: condition StringEquals sts:externalid <hidden>"
                + " removed");
  }

  @Test
  void anEffectTurnedAndAResourceWidenedAreNamed() {
    String live =
        OBJECTS
            .replace("\"Allow\"", "\"Deny\"")
            .replace("arn:aws:s3:::acme-prod/ci/*", "arn:aws:s3:::acme-prod/*");
    assertThat(changes(OBJECTS, live))
        .containsExactly(
            "statement ObjectAccessWithinPrefix: effect Allow changed to Deny; resource"
                + " arn:aws:s3:::acme-prod/* added; resource arn:aws:s3:::acme-prod/ci/* removed");
  }

  @Test
  void aStatementWithoutSidIsMatchedByWhatItCovers() {
    String declared = OBJECTS.replace("\"Sid\": \"ObjectAccessWithinPrefix\",", "");
    String live = declared.replace("\"s3:GetObject\", ", "");
    assertThat(changes(declared, live))
        .containsExactly("statement Allow s3:getobject, s3:putobject: action s3:getobject removed");
  }

  @Test
  void nullStatementsAndKeysAnEmulatorLeavesAreNotMeaning() {
    String withNulls =
        OBJECTS
            .replace("}]}", "}, null]}")
            .replace("\"Effect\"", "\"Condition\": {\"Bool\": {\"aws:x\": null}}, \"Effect\"");
    assertThat(changes(OBJECTS, withNulls)).isEmpty();
  }

  @Test
  void anotherVersionIsDrift() {
    assertThat(changes(OBJECTS, OBJECTS.replace("2012-10-17", "2008-10-17")))
        .containsExactly("version 2012-10-17 changed to 2008-10-17");
  }

  @Test
  void somethingThatIsNotJsonIsRefusedWithWhy() {
    assertThatThrownBy(() -> PolicyMeaning.parse("{not json", "aws"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a JSON policy document");
  }
}
