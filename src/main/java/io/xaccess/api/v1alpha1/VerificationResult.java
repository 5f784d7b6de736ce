package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One proof of access: what was written through the assumed role and how it went. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationResult {

  @JsonPropertyDescription("When the verification finished (RFC 3339).")
  private String time;

  @JsonPropertyDescription("Succeeded or Failed.")
  private String result;

  @JsonPropertyDescription("Key of the object written and removed.")
  private String objectKey;

  @JsonPropertyDescription("How long the put, get, list and remove took, in milliseconds.")
  private Long durationMillis;

  @JsonPropertyDescription("What happened, in words; on failure, what to fix.")
  private String message;

  @JsonPropertyDescription("Hashes of both stacks' configurations this verification proved.")
  private String configurationHash;

  @JsonPropertyDescription(
      "Consecutive failed attempts for this configuration (0 after a success).")
  private Integer failedAttempts;

  public String getConfigurationHash() {
    return configurationHash;
  }

  public void setConfigurationHash(String configurationHash) {
    this.configurationHash = configurationHash;
  }

  public Integer getFailedAttempts() {
    return failedAttempts;
  }

  public void setFailedAttempts(Integer failedAttempts) {
    this.failedAttempts = failedAttempts;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getResult() {
    return result;
  }

  public void setResult(String result) {
    this.result = result;
  }

  public String getObjectKey() {
    return objectKey;
  }

  public void setObjectKey(String objectKey) {
    this.objectKey = objectKey;
  }

  public Long getDurationMillis() {
    return durationMillis;
  }

  public void setDurationMillis(Long durationMillis) {
    this.durationMillis = durationMillis;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
