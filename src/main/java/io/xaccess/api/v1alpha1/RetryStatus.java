package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A passing problem being retried with backoff: since when, and how often it has failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetryStatus {

  @JsonPropertyDescription("When the first of these consecutive failures happened (RFC 3339).")
  private String since;

  @JsonPropertyDescription("Consecutive failed attempts so far.")
  private Integer attempts;

  @JsonPropertyDescription("When the operator tries again (RFC 3339).")
  private String nextAttempt;

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  public Integer getAttempts() {
    return attempts;
  }

  public void setAttempts(Integer attempts) {
    this.attempts = attempts;
  }

  public String getNextAttempt() {
    return nextAttempt;
  }

  public void setNextAttempt(String nextAttempt) {
    this.nextAttempt = nextAttempt;
  }
}
