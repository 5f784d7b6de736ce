package io.xaccess.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaccess.testing.Checkov;
import io.xaccess.testing.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code xaccess render} prints for every example passes the linters with its parameters:
 * cfn-lint resolves each Ref to the rendered value (--parameter-files) and finds nothing; checkov,
 * which takes no parameters, checks each template with the rendered values as its Defaults and
 * fails no check. And the Java decoder render uses reads every template exactly as cfn-lint's own.
 */
class RenderedTemplatesLintIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static Stream<Path> exampleGrants() throws Exception {
    return RenderCommandTest.exampleGrants();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "src/main/resources/cloudformation/production.yaml",
        "src/main/resources/cloudformation/development.yaml",
        "deploy/aws/production-deployer.yaml",
        "deploy/aws/development-deployer.yaml"
      })
  void theJavaDecoderReadsEveryTemplateAsCfnLintDoes(String template) throws Exception {
    String python =
        "import json,sys\nfrom cfnlint.decode import decode_str\n"
            + "t,m=decode_str(open(sys.argv[1]).read())\nassert not m, m\nprint(json.dumps(t))";
    Result decoded = run(tool("python"), "-c", python, template);
    assertThat(decoded.exitCode()).as(decoded.output()).isZero();

    assertThat(CloudFormationYaml.decode(Files.readString(Path.of(template))))
        .isEqualTo(JSON.readTree(decoded.output()));
  }

  @ParameterizedTest
  @MethodSource("exampleGrants")
  void cfnLintFindsNothingInTheRenderedStacks(Path example) throws Exception {
    for (Stack stack : stacks(example)) {
      Path template = dir.resolve(stack.name() + ".yaml");
      Files.writeString(template, stack.json().get("templateBody").asText());
      Path parameters = dir.resolve(stack.name() + "-parameters.json");
      Files.write(parameters, JSON.writeValueAsBytes(parameterFile(stack.json())));

      Result lint =
          run(tool("cfn-lint"), template.toString(), "--parameter-files", parameters.toString());

      assertThat(lint.output()).as("%s %s", example, stack.name()).isEmpty();
      assertThat(lint.exitCode()).isZero();
    }
  }

  @Test
  void cfnLintSeesTheRenderedValues() throws Exception {
    // The check above has teeth: a value no bucket may have is found through its Ref.
    Stack production = stacks(Path.of("examples/basic.yaml")).get(0);
    ObjectNode stack = production.json().deepCopy();
    ((ObjectNode) stack.get("parameters")).put("BucketName", "Not_A_Bucket");
    Path template = dir.resolve("teeth.yaml");
    Files.writeString(template, stack.get("templateBody").asText());
    Path parameters = dir.resolve("teeth-parameters.json");
    Files.write(parameters, JSON.writeValueAsBytes(parameterFile(stack)));

    Result lint =
        run(tool("cfn-lint"), template.toString(), "--parameter-files", parameters.toString());

    assertThat(lint.output()).contains("Not_A_Bucket");
  }

  @Test
  void checkovFailsNoCheckOnTheRenderedStacks() throws Exception {
    int templates = 0;
    for (Path example : exampleGrants().toList()) {
      for (Stack stack : stacks(example)) {
        ObjectNode template =
            (ObjectNode) CloudFormationYaml.decode(stack.json().get("templateBody").asText());
        stack
            .json()
            .get("parameters")
            .fields()
            .forEachRemaining(
                p ->
                    ((ObjectNode) template.path("Parameters").path(p.getKey()))
                        .put("Default", p.getValue().asText()));
        Files.write(dir.resolve(stack.name() + ".json"), JSON.writeValueAsBytes(template));
        templates++;
      }
    }
    assertThat(templates).isGreaterThanOrEqualTo(14);
    Checkov.assertClean("-d", dir.toString(), "cloudformation", templates * 3);
  }

  /** One rendered stack: a file name for it and what render printed. */
  private record Stack(String name, JsonNode json) {}

  private static List<Stack> stacks(Path example) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        RenderCommand.run(
            List.of("-f", example.toString()),
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(status).isZero();
    List<Stack> stacks = new ArrayList<>();
    for (JsonNode grant : JSON.readTree(out.toByteArray()).get("grants")) {
      for (String side : List.of("production", "development")) {
        JsonNode stack = grant.get("stacks").get(side);
        stacks.add(new Stack(stack.get("stackName").asText(), stack));
      }
    }
    return stacks;
  }

  /**
   * The parameters as a CloudFormation parameter file, lists as lists (cfn-lint checks the types).
   */
  private static ArrayNode parameterFile(JsonNode stack) {
    JsonNode declared =
        CloudFormationYaml.decode(stack.get("templateBody").asText()).get("Parameters");
    ArrayNode file = JSON.createArrayNode();
    stack
        .get("parameters")
        .fields()
        .forEachRemaining(
            p -> {
              ObjectNode entry = file.addObject().put("ParameterKey", p.getKey());
              String value = p.getValue().asText();
              if ("CommaDelimitedList".equals(declared.path(p.getKey()).path("Type").asText())) {
                ArrayNode list = entry.putArray("ParameterValue");
                if (!value.isEmpty()) {
                  for (String item : value.split(",", -1)) {
                    list.add(item);
                  }
                }
              } else {
                entry.put("ParameterValue", value);
              }
            });
    return file;
  }

  private static String tool(String name) {
    return MotoServer.toolsDir().resolve("venv/bin/" + name).toString();
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), output.strip());
  }
}
