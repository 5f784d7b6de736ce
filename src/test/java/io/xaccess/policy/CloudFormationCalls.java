package io.xaccess.policy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.xaccess.cloudformation.CloudFormationStackGateway;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * The CloudFormation API actions the operator calls, read from its compiled gateway (every call on
 * a {@link CloudFormationClient}, {@code describeStacks} as {@code cloudformation:DescribeStacks}):
 * what the deployer roles must allow.
 */
final class CloudFormationCalls {

  private CloudFormationCalls() {}

  static Set<String> actions() {
    JavaClasses classes =
        new ClassFileImporter()
            .importPath(Path.of("target", "classes", "io", "xaccess", "cloudformation"));
    Set<String> actions = new TreeSet<>();
    classes.stream()
        .filter(c -> c.getName().startsWith(CloudFormationStackGateway.class.getName()))
        .flatMap(c -> c.getMethodCallsFromSelf().stream())
        .filter(call -> call.getTargetOwner().isEquivalentTo(CloudFormationClient.class))
        .map(call -> call.getName())
        .filter(name -> !name.equals("close") && !name.equals("serviceName"))
        .forEach(
            name ->
                actions.add(
                    "cloudformation:" + Character.toUpperCase(name.charAt(0)) + name.substring(1)));
    if (actions.size() < 10) {
      throw new IllegalStateException(
          "found only " + actions + " in the gateway's classes: is target/classes compiled?");
    }
    return actions;
  }
}
