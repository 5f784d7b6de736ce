package io.xaccess.testing;

import static org.assertj.core.api.Assertions.assertThat;

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
    slow.answered(request("CreateStack", "s1"), 200, created("s1"), () -> CALLER);
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
        request("ExecuteChangeSet", "arn:aws:cloudformation:eu-west-1:1:stack/s2/u"),
        200,
        "<ExecuteChangeSetResponse/>",
        () -> null);
    assertThat(slow.describeStacks(describe("s2", "UPDATE_COMPLETE")))
        .isEqualTo(describe("s2", "UPDATE_IN_PROGRESS"));
    // A status the operation does not end in (deleted since, rolled back) is moto's.
    assertThat(slow.describeStacks(describe("s2", "DELETE_COMPLETE")))
        .isEqualTo(describe("s2", "DELETE_COMPLETE"));
    // A refused call started nothing.
    slow.answered(request("CreateStack", "s3"), 400, "<ErrorResponse/>", () -> CALLER);
    assertThat(slow.ends()).containsOnlyKeys("s2");
  }

  @Test
  void listStacksFiltersOnTheStatusesShown() {
    slow.answered(request("CreateStack", "s1"), 200, created("s1"), () -> CALLER);
    String body =
        "<ListStacksResponse><ListStacksResult><StackSummaries>"
            + summary("s1", "CREATE_COMPLETE")
            + summary("s2", "CREATE_COMPLETE")
            + summary("s3", "DELETE_IN_PROGRESS")
            + "</StackSummaries></ListStacksResult></ListStacksResponse>";
    assertThat(slow.listStacks(body, Set.of("CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS"), CALLER))
        .isEqualTo(
            "<ListStacksResponse><ListStacksResult><StackSummaries>"
                + summary("s1", "CREATE_IN_PROGRESS")
                + summary("s3", "DELETE_IN_PROGRESS")
                + "</StackSummaries></ListStacksResult></ListStacksResponse>");
  }

  @Test
  void aFilteredListingMotoAnsweredEmptyShowsTheOperationsHeldInTheCallersAccountAndRegion() {
    slow.answered(request("CreateStack", "s1"), 200, created("s1"), () -> CALLER);
    // Created in another account: its listing only.
    slow.answered(
        request("CreateStack", "other"),
        200,
        "<CreateStackResponse><CreateStackResult><StackId>arn:aws:cloudformation:eu-west-1:2:stack/"
            + "other/u</StackId></CreateStackResult></CreateStackResponse>",
        () -> CALLER);
    // An update by name keeps the stack's id, account and creation time.
    clock.advance(Duration.ofSeconds(10));
    slow.answered(request("ExecuteChangeSet", "s1"), 200, "<R/>", () -> null);
    String empty =
        "<ListStacksResponse><ListStacksResult><StackSummaries/></ListStacksResult>"
            + "</ListStacksResponse>";
    Set<String> inProgress = Set.of("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS");
    assertThat(slow.listStacks(empty, inProgress, CALLER))
        .isEqualTo(
            "<ListStacksResponse><ListStacksResult><StackSummaries><member><StackId>"
                + "arn:aws:cloudformation:eu-west-1:1:stack/s1/u</StackId><StackName>s1"
                + "</StackName><CreationTime>2026-12-02T10:00:00Z</CreationTime><StackStatus>"
                + "UPDATE_IN_PROGRESS</StackStatus></member></StackSummaries></ListStacksResult>"
                + "</ListStacksResponse>");
    assertThat(slow.listStacks(empty, inProgress, new SlowStacks.Caller("1", "us-east-1")))
        .isEqualTo(
            "<ListStacksResponse><ListStacksResult><StackSummaries></StackSummaries>"
                + "</ListStacksResult></ListStacksResponse>");
    assertThat(slow.listStacks(empty, inProgress, new SlowStacks.Caller("2", "eu-west-1")))
        .contains("<StackName>other</StackName>")
        .doesNotContain("<StackName>s1</StackName>");
    // Not what the filter asks for, deleted, or ended: not shown.
    assertThat(slow.listStacks(empty, Set.of("DELETE_IN_PROGRESS"), CALLER))
        .doesNotContain("<member>");
    slow.answered(request("DeleteStack", "other"), 200, "<R/>", () -> null);
    assertThat(slow.listStacks(empty, inProgress, new SlowStacks.Caller("2", "eu-west-1")))
        .doesNotContain("<member>");
    clock.advance(Duration.ofSeconds(20));
    assertThat(slow.listStacks(empty, inProgress, CALLER)).doesNotContain("<member>");
    assertThat(slow.ends()).containsKeys("s1", "other");
  }

  private static final SlowStacks.Caller CALLER = new SlowStacks.Caller("1", "eu-west-1");

  private static String created(String name) {
    return "<CreateStackResponse><CreateStackResult><StackId>arn:aws:cloudformation:eu-west-1:1:"
        + "stack/"
        + name
        + "/u</StackId></CreateStackResult></CreateStackResponse>";
  }
}
