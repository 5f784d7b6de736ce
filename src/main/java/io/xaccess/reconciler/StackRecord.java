package io.xaccess.reconciler;

import io.xaccess.api.v1alpha1.DevelopmentStackStatus;
import io.xaccess.api.v1alpha1.ProductionStackStatus;
import io.xaccess.api.v1alpha1.Reason;
import io.xaccess.api.v1alpha1.StackStatus;
import io.xaccess.cloudformation.ObservedStack;
import io.xaccess.cloudformation.StackNames;
import io.xaccess.cloudformation.StackOwner;
import io.xaccess.cloudformation.StackProgress;
import io.xaccess.grant.Side;
import io.xaccess.status.GrantStatusBuilder;
import io.xaccess.status.GrantStatusBuilder.Step;
import java.util.Map;
import java.util.Optional;

/** Writes what a rollout step found into one side's part of the status. */
final class StackRecord {

  private StackRecord() {}

  /**
   * The name of the stack status records for one side, or null when it records none: the name
   * field, else the name in the recorded stack id (a status written before names were recorded).
   */
  static String recordedName(StackStatus recorded) {
    if (recorded.getStackName() != null) {
      return recorded.getStackName();
    }
    return recorded.getStackId() == null ? null : StackNames.nameOf(recorded.getStackId());
  }

  static void record(
      GrantStatusBuilder status, Side side, String stackName, StackProgress progress) {
    if (progress.state() == StackProgress.State.CONFLICT) {
      // Nothing of a stack that is not the grant's (or was not created) is recorded.
      status.stack(side, Step.FAILED, progress.reason(), progress.message());
      return;
    }
    StackStatus target = status.stackStatus(side);
    // The name the stack really has: the grant's, or the former one it is kept under.
    target.setStackName(
        progress.stackId() != null ? StackNames.nameOf(progress.stackId()) : stackName);
    if (progress.stackId() != null) {
      target.setStackId(progress.stackId());
    }
    target.setStackStatus(progress.stackStatus());
    target.setConfigurationHash(progress.appliedHash());
    target.setFailedConfigurationHash(progress.failedHash());
    if (progress.ready() || !progress.outputs().isEmpty()) {
      Map<String, String> outputs = progress.outputs();
      if (side == Side.PRODUCTION) {
        production(status.productionStack(), outputs);
      } else {
        development(status.developmentStack(), outputs);
      }
    }
    status.stack(side, step(progress), progress.reason(), progress.message());
  }

  /**
   * What an observe-only grant found of one side's stack: recorded as it is, whoever made it; the
   * step is done when the stack exists in a settled state.
   */
  static void observed(
      GrantStatusBuilder status, Side side, String stackName, Optional<ObservedStack> stack) {
    StackStatus target = status.stackStatus(side);
    target.setStackName(stackName);
    if (stack.isEmpty()) {
      target.setStackId(null);
      target.setStackStatus(null);
      status.stack(
          side,
          Step.NOT_STARTED,
          Reason.Observing,
          "managementPolicy Observe: there is no stack " + stackName + "; nothing is deployed");
      return;
    }
    ObservedStack found = stack.get();
    target.setStackId(found.stackId());
    target.setStackStatus(found.status());
    if (side == Side.PRODUCTION) {
      production(status.productionStack(), found.outputs());
    } else {
      development(status.developmentStack(), found.outputs());
    }
    boolean settled = found.status().endsWith("_COMPLETE") && !found.status().contains("ROLLBACK");
    status.stack(
        side,
        settled ? Step.DONE : Step.IN_PROGRESS,
        Reason.Observing,
        "managementPolicy Observe: stack "
            + stackName
            + " is "
            + found.status()
            + ", made by "
            + StackOwner.ownerOf(found)
            + "; nothing is changed");
  }

  private static void production(ProductionStackStatus s, Map<String, String> outputs) {
    s.setRoleArn(output(outputs, "RoleArn", s.getRoleArn()));
    s.setBucketArn(output(outputs, "BucketArn", s.getBucketArn()));
    s.setKmsKeyArn(emptyToNull(output(outputs, "KmsKeyArn", s.getKmsKeyArn())));
    s.setBucketPolicy(output(outputs, "BucketPolicy", s.getBucketPolicy()));
  }

  private static void development(DevelopmentStackStatus s, Map<String, String> outputs) {
    s.setAssumePolicyArn(emptyToNull(output(outputs, "AssumePolicyArn", s.getAssumePolicyArn())));
    s.setVerifierRoleArn(output(outputs, "VerifierRoleArn", s.getVerifierRoleArn()));
    s.setAssumerRoleArn(emptyToNull(output(outputs, "AssumerRoleArn", s.getAssumerRoleArn())));
  }

  private static Step step(StackProgress progress) {
    return switch (progress.state()) {
      case READY -> Step.DONE;
      case FAILED -> Step.FAILED;
      // No stack (of a grant whose deployed stacks are only ever changed, never created).
      case GONE -> Step.NOT_STARTED;
      default -> Step.IN_PROGRESS;
    };
  }

  private static String output(Map<String, String> outputs, String key, String fallback) {
    String value = outputs.get(key);
    // moto (and CloudFormation right after some updates) may return no outputs: keep what we knew.
    return value == null ? fallback : value;
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
