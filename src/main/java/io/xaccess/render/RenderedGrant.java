package io.xaccess.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.cloudformation.GrantStacks;
import io.xaccess.cloudformation.StackRequest;
import io.xaccess.grant.AccessState;
import io.xaccess.grant.Arns;
import io.xaccess.grant.Grant;
import io.xaccess.grant.GrantDefinition;
import io.xaccess.grant.GrantProblem;
import io.xaccess.grant.SecretValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A grant rendered offline, through the operator's own code: the {@link Grant} from {@link
 * GrantDefinition}, the two {@link StackRequest}s from {@link GrantStacks}, the operator's own
 * templates evaluated with them ({@link RenderedTemplate}) and the documents they create. What AWS
 * would only know once the stacks exist (the operator's own identity, the created key's ARN) is
 * stood in for and listed in {@link #assumptions()}.
 *
 * @param grant the grant; any external id is a placeholder, never its value
 * @param production the production stack: account, region, request, rendered template
 * @param development the development stack
 * @param policies the documents the stacks create
 * @param assumptions what the render assumed, in words
 */
public record RenderedGrant(
    Grant grant,
    Stack production,
    Stack development,
    EffectivePolicies policies,
    List<String> assumptions) {

  /** The uid a manifest that was never applied is rendered with. */
  public static final String UNASSIGNED_UID = "00000000-0000-0000-0000-000000000000";

  /** One stack: where it goes, what the operator sends, and the template evaluated with it. */
  public record Stack(
      String accountId, String region, StackRequest request, RenderedTemplate template) {}

  /** Renders {@code resource} (its namespace and uid filled in when absent). */
  public static RenderedGrant of(CrossAccountAccess resource, RenderSettings settings)
      throws GrantProblem {
    List<String> assumptions = new ArrayList<>();
    var metadata = resource.getMetadata();
    if (metadata.getNamespace() == null || metadata.getNamespace().isBlank()) {
      metadata.setNamespace(settings.namespace());
      assumptions.add(
          "namespace "
              + settings.namespace()
              + " (the manifest names none; stack names depend on it)");
    }
    if (metadata.getUid() == null) {
      metadata.setUid(UNASSIGNED_UID);
      assumptions.add("uid " + UNASSIGNED_UID + " (assigned by the API server when applied)");
    }
    String partition = settings.partition();
    Grant grant =
        withoutSecretValues(
            GrantDefinition.of(
                resource,
                Optional.empty(),
                Optional.empty(),
                partition,
                settings.deployerRoleName(),
                new OfflineSecrets(metadata.getNamespace())));
    if (resource.getSpec().getTrust() != null
        && resource.getSpec().getTrust().getExternalId() != null) {
      assumptions.add("the inline external id is shown as " + inlineExternalId(grant));
    }
    if (resource.getSpec().getTrust() != null
        && resource.getSpec().getTrust().getExternalIdSecretRef() != null) {
      assumptions.add(
          "the external id is read from its Secret by the operator; shown as "
              + OfflineSecrets.externalId(resource.getSpec().getTrust().getExternalIdSecretRef()));
    }

    return of(grant, settings, assumptions);
  }

  /**
   * Renders a grant as the operator would deploy it, open (not expired, nothing revoked), with the
   * operator settings {@code settings}; {@code assumptions} so far are kept and added to.
   */
  public static RenderedGrant of(
      Grant grant, RenderSettings settings, List<String> assumptionsSoFar) {
    return of(grant, AccessState.OPEN, settings, assumptionsSoFar);
  }

  /**
   * Renders a grant in the given {@code access} state (closed once expired; with a revocation
   * bound), as the operator deploys it then.
   */
  public static RenderedGrant of(
      Grant grant, AccessState access, RenderSettings settings, List<String> assumptionsSoFar) {
    List<String> assumptions = new ArrayList<>(assumptionsSoFar);
    String partition = settings.partition();
    String productionOperator =
        operatorArn(grant.production(), partition, assumptions, "production");
    String developmentOperator =
        operatorArn(grant.development(), partition, assumptions, "development");
    String verifierArn = GrantStacks.verifierRoleArn(grant, partition);
    String roleArn = GrantStacks.productionRoleArn(grant, partition);
    StackRequest productionRequest =
        GrantStacks.production(
            grant,
            access,
            productionOperator,
            verifierArn,
            partition,
            settings.permissionsBoundaryName());
    StackRequest developmentRequest =
        GrantStacks.development(
            grant,
            access,
            roleArn,
            developmentOperator,
            partition,
            settings.permissionsBoundaryName());

    String prodAccount = grant.production().accountId();
    String prodRegion = grant.production().region();
    String keyArn = createdKeyArn(partition, prodRegion, prodAccount);
    RenderedTemplate prod =
        production(
            grant,
            partition,
            keyArn,
            CloudFormationYaml.decode(productionRequest.template().body()),
            productionRequest.parameters());
    if (prod.exists("Key")) {
      assumptions.add("the key the stack creates is shown as " + keyArn);
    }
    String devAccount = grant.development().accountId();
    RenderedTemplate dev =
        development(
            grant,
            partition,
            CloudFormationYaml.decode(developmentRequest.template().body()),
            developmentRequest.parameters());

    return new RenderedGrant(
        grant,
        new Stack(prodAccount, prodRegion, productionRequest, prod),
        new Stack(devAccount, grant.development().region(), developmentRequest, dev),
        policies(prod, dev),
        List.copyOf(assumptions));
  }

  /**
   * The production template evaluated in the grant's production account with {@code parameters}:
   * the operator's own template with a request's, or a deployed stack's template with the
   * parameters it is deployed with. {@code keyArn} stands for the key the stack creates.
   */
  public static RenderedTemplate production(
      Grant grant,
      String partition,
      String keyArn,
      JsonNode template,
      Map<String, String> parameters) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("Role.Arn", GrantStacks.productionRoleArn(grant, partition));
    attributes.put("Role.Ref", grant.role().name());
    attributes.put("Key.Arn", keyArn);
    attributes.put("Key.Ref", "created-by-the-stack");
    attributes.put("Bucket.Ref", grant.bucket().name());
    return new RenderedTemplate(
        template,
        grant.production().accountId(),
        grant.production().region(),
        partition,
        parameters,
        attributes);
  }

  /**
   * The development template evaluated in the grant's development account, as {@link #production}.
   */
  public static RenderedTemplate development(
      Grant grant, String partition, JsonNode template, Map<String, String> parameters) {
    String devAccount = grant.development().accountId();
    String verifierArn = GrantStacks.verifierRoleArn(grant, partition);
    String assumerName = grant.assumer().map(Grant.Assumer::name).orElse("DevToProdS3Assumer");
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("VerifierRole.Arn", verifierArn);
    attributes.put("VerifierRole.Ref", verifierArn.substring(verifierArn.lastIndexOf('/') + 1));
    attributes.put("AssumerRole.Arn", Arns.role(partition, devAccount, assumerName));
    attributes.put("AssumerRole.Ref", assumerName);
    return new RenderedTemplate(
        template, devAccount, grant.development().region(), partition, parameters, attributes);
  }

  /** What render shows for the ARN of the key a production stack creates (AWS assigns its id). */
  public static String createdKeyArn(String partition, String region, String accountId) {
    return "arn:" + partition + ":kms:" + region + ":" + accountId + ":key/created-by-the-stack";
  }

  /** The documents both stacks create, read from the rendered templates. */
  public static EffectivePolicies policies(RenderedTemplate prod, RenderedTemplate dev) {
    Map<String, JsonNode> rolePolicies = new LinkedHashMap<>();
    for (String id : prod.resourcesOfType("AWS::IAM::Policy")) {
      rolePolicies.put(
          prod.property(id, "PolicyName").asText(), prod.property(id, "PolicyDocument"));
    }
    JsonNode boundary = prod.property("Role", "PermissionsBoundary");
    return new EffectivePolicies(
        arnOfRole(prod),
        prod.property("Role", "MaxSessionDuration").asLong(),
        boundary.isMissingNode() ? "" : boundary.asText(),
        prod.property("Role", "AssumeRolePolicyDocument"),
        rolePolicies,
        prod.existingProperty("BucketPolicy", "PolicyDocument"),
        prod.existingProperty("Key", "KeyPolicy"),
        dev.existingProperty("AssumePolicy", "PolicyDocument"),
        texts(dev.existingProperty("AssumePolicy", "Roles")),
        texts(dev.existingProperty("AssumePolicy", "Users")),
        dev.property("VerifierRole", "AssumeRolePolicyDocument"),
        inline(dev.existingProperty("VerifierRole", "Policies")),
        dev.existingProperty("AssumerRole", "AssumeRolePolicyDocument"),
        inline(dev.existingProperty("AssumerRole", "Policies")));
  }

  /** The role's ARN as the template outputs it (RoleArn: !GetAtt Role.Arn). */
  private static String arnOfRole(RenderedTemplate prod) {
    return prod.output("RoleArn").asText();
  }

  private static List<String> texts(Optional<JsonNode> list) {
    List<String> out = new ArrayList<>();
    list.ifPresent(l -> l.forEach(item -> out.add(item.asText())));
    return out;
  }

  private static Map<String, JsonNode> inline(Optional<JsonNode> policies) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    policies.ifPresent(
        list ->
            list.forEach(p -> out.put(p.path("PolicyName").asText(), p.path("PolicyDocument"))));
    return out;
  }

  /**
   * The ARN the operator acts as in an account, as {@code AwsClients.principalArn} finds it: the
   * deployer role it assumes, known offline; its own identity, found only by GetCallerIdentity.
   */
  private static String operatorArn(
      Grant.Account account, String partition, List<String> assumptions, String side) {
    if (account.credentials() instanceof Grant.Credentials.AssumeRole assume) {
      return assume.roleArn();
    }
    String standIn = Arns.role(partition, account.accountId(), "xaccess-operator-identity");
    assumptions.add(
        "the operator's own identity in the "
            + side
            + " account (found by GetCallerIdentity when it runs) is shown as "
            + standIn);
    return standIn;
  }

  /** An inline external id's stand-in: the digest prefix the operator already keeps. */
  private static String inlineExternalId(Grant grant) {
    String version = grant.trust().externalIdVersion();
    return "<external id: inline, sha256 "
        + version.substring("inline:".length(), "inline:".length() + 12)
        + ">";
  }

  /** The grant with an inline external id replaced by its stand-in (the stacks' hash keeps). */
  private static Grant withoutSecretValues(Grant grant) {
    Grant.Trust trust = grant.trust();
    if (trust.externalId().isEmpty() || !trust.externalIdVersion().startsWith("inline:")) {
      return grant;
    }
    Grant.Trust masked =
        new Grant.Trust(
            trust.regions(),
            trust.requireMfa(),
            trust.organizationId(),
            Optional.of(new SecretValue(inlineExternalId(grant))),
            trust.externalIdVersion(),
            trust.maxMfaAge());
    return new Grant(
        grant.namespace(),
        grant.name(),
        grant.uid(),
        grant.production(),
        grant.development(),
        grant.principals(),
        grant.assumer(),
        grant.bucket(),
        grant.role(),
        grant.sessionDuration(),
        masked,
        grant.verification(),
        grant.orphanOnDelete(),
        grant.suspended(),
        grant.secretVersions(),
        grant.adoptUid(),
        grant.namedStacks(),
        grant.observeOnly());
  }
}
