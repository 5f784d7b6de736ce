package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The development account: whose principals may assume the production role. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.principals) || self.principals.all(p, p.split(':').size() > 4 &&"
            + " p.split(':')[4] == self.accountId)",
    message =
        "principals must all be in the development account (accountId): the account part of"
            + " each ARN must be that 12-digit id",
    fieldPath = ".principals",
    reason = "FieldValueInvalid")
public class DevelopmentAccount extends AccountSpec {

  @Size(max = 20)
  @ValidationRule(
      value = "self.all(p, !p.contains(','))",
      message =
          "must not contain a comma: each entry is one ARN (a comma would split it into several"
              + " patterns, such as a lone *)",
      reason = "FieldValueForbidden")
  @ValidationRule(
      value = "self.all(p, !p.matches('[$?{}]') && !p.matches('\\\\s'))",
      message =
          "must not contain $, {, } (IAM policy variables), ? or whitespace; * is the only"
              + " wildcard, and only in the path and name",
      reason = "FieldValueForbidden")
  @ValidationRule(
      value = "self.all(p, p.matches('" + Patterns.PRINCIPAL_ARN + "'))",
      message =
          "each principal must be an IAM role or user ARN of the development account such as"
              + " arn:aws:iam::222222222222:role/ci-runner (* allowed in the path and name, not in"
              + " the account)",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "IAM roles or users of the development account that may assume the production role, as"
          + " ARNs (arn:<partition>:iam::<accountId>:role/... or user/...); * in the path or name"
          + " matches any characters (arn:aws:iam::222222222222:role/ci-*) and such a pattern is"
          + " not attached to, it relies on the principals' own policies. No commas, ?, $, { or"
          + " }. Matched with aws:PrincipalArn, so a principal that does not exist yet does not"
          + " fail the stack. Omitted: any principal the development account's own policies"
          + " allow.")
  private List<@Size(max = 512) String> principals;

  @JsonPropertyDescription(
      "An optional role in the development account, for SSO users or AWS services, that is"
          + " allowed to assume the production role.")
  private AssumerRole assumerRole;

  public List<String> getPrincipals() {
    return principals;
  }

  public void setPrincipals(List<String> principals) {
    this.principals = principals;
  }

  public AssumerRole getAssumerRole() {
    return assumerRole;
  }

  public void setAssumerRole(AssumerRole assumerRole) {
    this.assumerRole = assumerRole;
  }
}
