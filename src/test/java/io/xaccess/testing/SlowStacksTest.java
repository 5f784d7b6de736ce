package io.xaccess.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stack operations made slow on the proxy: what DescribeStacks and ListStacks show, and when. */
class SlowStacksTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:00:00Z"));
  private final SlowStacks slow =
      new SlowStacks(Duration.ofSeconds(20), Duration.ofSeconds(20), clock, 1L);

  private static AwsFaultProxy.AwsRequest request(String action, String stackName) {
    return new AwsFaultProxy.AwsRequest(
        "POST", "/", Map.of("Action", action, "StackName", stackName));
  }

  private static String describe(String name, String status) {
    return "<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackId>arn:aws:"
        + "cloudformation:eu-west-1:1:stack/"
        + name
        + "/u</StackId><StackName>"
        + name
        + "</StackName><Parameters><member><ParameterKey>K</ParameterKey></member></Parameters>"
        + "<StackStatus>"
        + status
        + "</StackStatus></member></Stacks></DescribeStacksResult></DescribeStacksResponse>";
  }

  private static String summary(String name, String status) {
    return "<member><StackId>arn:aws:cloudformation:eu-west-1:1:stack/"
        + name
        + "/u</StackId><StackName>"
        + name
        + "</StackName><StackStatus>"
        + status
        + "</StackStatus></member>";
  }

  @Test
  void aCreateIsInProgressUntilItsDurationHasPassed() {
    slow.answered(request("CreateStack", "s1"), 200);
    assertThat(slow.describeStacks(describe("s1", "CREATE_COMPLETE")))
        .isEqualTo(describe("s1", "CREATE_IN_PROGRESS"));
    clock.advance(Duration.ofSeconds(20));
    assertThat(slow.describeStacks(describe("s1", "CREATE_COMPLETE")))
        .isEqualTo(describe("s1", "CREATE_COMPLETE"));
    assertThat(slow.ends()).containsEntry("s1", Instant.parse("2026-12-02T10:00:20Z"));
  }

  @Test
  void anUpdateByStackArnIsInProgressAndOtherStatusesAreLeftAlone() {
    slow.answered(
        request("ExecuteChangeSet", "arn:aws:cloudformation:eu-west-1:1:stack/s2/u"), 200);
    assertThat(slow.describeStacks(describe("s2", "UPDATE_COMPLETE")))
        .isEqualTo(describe("s2", "UPDATE_IN_PROGRESS"));
    // A status the operation does not end in (deleted since, rolled back) is moto's.
    assertThat(slow.describeStacks(describe("s2", "DELETE_COMPLETE")))
        .isEqualTo(describe("s2", "DELETE_COMPLETE"));
    // A refused call started nothing.
    slow.answered(request("CreateStack", "s3"), 400);
    assertThat(slow.ends()).containsOnlyKeys("s2");
  }

  @Test
  void listStacksFiltersOnTheStatusesShown() {
    slow.answered(request("CreateStack", "s1"), 200);
    String body =
        "<ListStacksResponse><ListStacksResult><StackSummaries>"
            + summary("s1", "CREATE_COMPLETE")
            + summary("s2", "CREATE_COMPLETE")
            + summary("s3", "DELETE_IN_PROGRESS")
            + "</StackSummaries></ListStacksResult></ListStacksResponse>";
    assertThat(slow.listStacks(body, Set.of("CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS")))
        .isEqualTo(
            "<ListStacksResponse><ListStacksResult><StackSummaries>"
                + summary("s1", "CREATE_IN_PROGRESS")
                + summary("s3", "DELETE_IN_PROGRESS")
                + "</StackSummaries></ListStacksResult></ListStacksResponse>");
    assertThat(
            new String(
                SlowStacks.unfiltered(
                    "Action=ListStacks&StackStatusFilter.member.1=CREATE_IN_PROGRESS&Version=1"
                        .getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8))
        .isEqualTo("Action=ListStacks&Version=1");
  }
}
