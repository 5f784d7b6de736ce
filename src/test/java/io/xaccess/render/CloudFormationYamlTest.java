package io.xaccess.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xaccess.cloudformation.StackTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each short-form tag becomes the long form CloudFormation reads. */
class CloudFormationYamlTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void refAndConditionAreNotFnFunctions() throws Exception {
    assertThat(decode("a: !Ref Name\nb: !Condition Open"))
        .isEqualTo(json("{'a': {'Ref': 'Name'}, 'b': {'Condition': 'Open'}}"));
  }

  @Test
  void getAttTakesResourceDotAttributeOrAList() throws Exception {
    assertThat(decode("a: !GetAtt Role.Arn\nb: !GetAtt [Key, Arn]\nc: !GetAtt Db.Endpoint.Port"))
        .isEqualTo(
            json(
                "{'a': {'Fn::GetAtt': ['Role', 'Arn']}, 'b': {'Fn::GetAtt': ['Key', 'Arn']},"
                    + " 'c': {'Fn::GetAtt': ['Db', 'Endpoint.Port']}}"));
  }

  @Test
  void scalarSequenceAndMappingArgumentsKeepTheirShape() throws Exception {
    assertThat(
            decode(
                "s: !Sub 'arn:${AWS::Partition}:s3:::${BucketName}'\n"
                    + "l: !Sub ['${A}-x', {A: !Ref B}]\n"
                    + "j: !Join ['', !Ref List]\n"
                    + "t: !Split [',', !Ref Csv]\n"
                    + "e: !Select [0, !GetAZs '']\n"
                    + "m: !FindInMap [Map, !Ref AWS::Region, Ami]\n"
                    + "b: !Base64 text\n"
                    + "i: !ImportValue exported\n"))
        .isEqualTo(
            json(
                "{'s': {'Fn::Sub': 'arn:${AWS::Partition}:s3:::${BucketName}'},"
                    + " 'l': {'Fn::Sub': ['${A}-x', {'A': {'Ref': 'B'}}]},"
                    + " 'j': {'Fn::Join': ['', {'Ref': 'List'}]},"
                    + " 't': {'Fn::Split': [',', {'Ref': 'Csv'}]},"
                    + " 'e': {'Fn::Select': [0, {'Fn::GetAZs': ''}]},"
                    + " 'm': {'Fn::FindInMap': ['Map', {'Ref': 'AWS::Region'}, 'Ami']},"
                    + " 'b': {'Fn::Base64': 'text'}, 'i': {'Fn::ImportValue': 'exported'}}"));
  }

  @Test
  void conditionFunctionsNest() throws Exception {
    assertThat(
            decode(
                "C: !And [!Equals [!Ref A, 'true'], !Not [!Equals [!Ref B, '']],"
                    + " !Or [!Condition X, !Equals [1, 1]]]"))
        .isEqualTo(
            json(
                "{'C': {'Fn::And': [{'Fn::Equals': [{'Ref': 'A'}, 'true']},"
                    + " {'Fn::Not': [{'Fn::Equals': [{'Ref': 'B'}, '']}]},"
                    + " {'Fn::Or': [{'Condition': 'X'}, {'Fn::Equals': [1, 1]}]}]}}"));
  }

  @Test
  void ifTakesAMappingBranch() throws Exception {
    assertThat(decode("x: !If\n  - Open\n  - {Sid: A, Effect: Allow}\n  - !Ref AWS::NoValue\n"))
        .isEqualTo(
            json(
                "{'x': {'Fn::If': ['Open', {'Sid': 'A', 'Effect': 'Allow'},"
                    + " {'Ref': 'AWS::NoValue'}]}}"));
  }

  @Test
  void quotedScalarsStayStringsAndPlainOnesAreTyped() throws Exception {
    JsonNode decoded = decode("a: \"true\"\nb: true\nc: 3600\nd: '2010-09-09'\n");
    assertThat(decoded.get("a").isTextual()).isTrue();
    assertThat(decoded.get("b").isBoolean()).isTrue();
    assertThat(decoded.get("c").isInt()).isTrue();
    assertThat(decoded.get("d").asText()).isEqualTo("2010-09-09");
  }

  @Test
  void duplicateKeysAndUnknownTagsAreRefused() {
    assertThatThrownBy(() -> CloudFormationYaml.decode("a: 1\na: 2\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate");
    assertThatThrownBy(() -> CloudFormationYaml.decode("a: !Bogus x\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(StackTemplate.class)
  void theOperatorsTemplatesDecodeWithNoTagLeft(StackTemplate template) {
    JsonNode decoded = CloudFormationYaml.decode(template.body());
    assertThat(decoded.path("Resources").size()).isGreaterThan(2);
    assertThat(decoded.toString()).doesNotContain("!Ref", "!Sub", "!If");
    assertThat(decoded.path("Conditions").path("Open"))
        .isEqualTo(new ObjectMapper().createObjectNode().set("Fn::Equals", arr()));
  }

  private static JsonNode arr() {
    return JSON.createArrayNode().add(JSON.createObjectNode().put("Ref", "AccessOpen")).add("true");
  }

  private static JsonNode decode(String yaml) {
    return CloudFormationYaml.decode(yaml);
  }

  private static JsonNode json(String singleQuoted) throws Exception {
    return JSON.readTree(singleQuoted.replace('\'', '"'));
  }
}
