package io.xaccess.render;

import io.xaccess.cloudformation.ObservedStack;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.grant.Grant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The access a Manual grant's plan moves from and to, through render's own code: what the deployed
 * stacks hold (their templates as GetTemplate returns them, their parameters as DescribeStacks
 * does) and what the new requests would deploy. The external id is never in either: CloudFormation
 * masks it (NoEcho), so both sides carry the same stand-in, present or not as the production
 * stack's {@code ExternalIdRequired} output says.
 */
public final class PlannedAccess {

  /** What a plan shows for an external id, whatever its value. */
  public static final String EXTERNAL_ID = "<external id>";

  private static final String EXTERNAL_ID_PARAMETER = "ExternalId";

  private PlannedAccess() {}

  /** The access the two requests deploy; {@code keyArn} stands for the key the stack creates. */
  public static EffectiveAccess requested(
      Grant grant, String partition, String keyArn, StackRequest production, StackRequest dev) {
    return EffectiveAccess.of(
        RenderedGrant.policies(
            RenderedGrant.production(
                grant,
                partition,
                keyArn,
                CloudFormationYaml.decode(production.template().body()),
                masked(production.parameters())),
            RenderedGrant.development(
                grant,
                partition,
                CloudFormationYaml.decode(dev.template().body()),
                dev.parameters())));
  }

  /**
   * The access two deployed stacks hold.
   *
   * @param productionBody the production stack's template, as deployed
   * @param requestedProduction the new production request: when the stack does not say whether its
   *     trust demands an external id (deployed before the output existed), it is taken to be as
   *     requested, so the plan claims no change there
   */
  public static EffectiveAccess deployed(
      Grant grant,
      String partition,
      String keyArn,
      String productionBody,
      ObservedStack production,
      String developmentBody,
      ObservedStack development,
      StackRequest requestedProduction) {
    Map<String, String> parameters = new LinkedHashMap<>(production.parameters());
    String required = production.outputs().get("ExternalIdRequired");
    String asRequested = masked(requestedProduction.parameters()).get(EXTERNAL_ID_PARAMETER);
    if (parameters.containsKey(EXTERNAL_ID_PARAMETER)) {
      parameters.put(
          EXTERNAL_ID_PARAMETER,
          required == null
              ? (asRequested == null ? "" : asRequested)
              : "true".equals(required) ? EXTERNAL_ID : "");
    }
    return EffectiveAccess.of(
        RenderedGrant.policies(
            RenderedGrant.production(
                grant, partition, keyArn, CloudFormationYaml.decode(productionBody), parameters),
            RenderedGrant.development(
                grant,
                partition,
                CloudFormationYaml.decode(developmentBody),
                development.parameters())));
  }

  private static Map<String, String> masked(Map<String, String> parameters) {
    Map<String, String> out = new LinkedHashMap<>(parameters);
    out.computeIfPresent(EXTERNAL_ID_PARAMETER, (k, v) -> v.isEmpty() ? "" : EXTERNAL_ID);
    return out;
  }
}
