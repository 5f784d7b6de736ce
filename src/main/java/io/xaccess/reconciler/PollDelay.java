package io.xaccess.reconciler;

import io.xaccess.cloudformation.StackProgress;
import io.xaccess.config.XaccessConfig;
import java.time.Duration;

/**
 * When to look at a stack operation again: soon after starting one, then every pollInterval, and
 * once it is stuck every stalledRecheckInterval.
 */
final class PollDelay {

  private PollDelay() {}

  static Duration after(StackProgress progress, XaccessConfig config) {
    if (progress.stuck()) {
      return config.stalledRecheckInterval();
    }
    return progress.started()
        ? min(config.firstPollDelay(), config.pollInterval())
        : config.pollInterval();
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
