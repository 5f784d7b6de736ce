package io.xaccess.testing;

import io.xaccess.config.XaccessConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator's settings for unit tests, with distinct values so a test can tell which interval a
 * reconcile chose: poll 5 s, first poll 1 s, resync 10 min, stalled recheck 1 min; verification
 * retries from 5 s doubling to at most 1 min within a 30 s propagation window (attempts at 5, 10,
 * 20 s: three); passing failures retried from 2 s doubling to 5 min, reported after 5; stacks stuck
 * after 1 h; every account reached through the deployer role {@code xaccess-deployer}, in the
 * cluster {@code test-cluster}.
 */
public final class TestSettings implements XaccessConfig {

  public Duration pollInterval = Duration.ofSeconds(5);
  public Duration resyncInterval = Duration.ofMinutes(10);
  public Duration firstPollDelay = Duration.ofSeconds(1);
  public Duration stalledRecheckInterval = Duration.ofMinutes(1);
  public Duration retryInitialDelay = Duration.ofSeconds(5);
  public Duration retryMaxDelay = Duration.ofMinutes(1);
  public Duration propagationWindow = Duration.ofSeconds(30);
  public Duration stackOperationTimeout = Duration.ofHours(1);
  public Duration retryInitialDelayOnFailure = Duration.ofSeconds(2);
  public Duration retryMaxDelayOnFailure = Duration.ofMinutes(5);
  public int reportAfter = 5;
  public String clusterName = "test-cluster";
  public int maxActiveGrants = 50;

  @Override
  public int maxActiveGrants() {
    return maxActiveGrants;
  }

  @Override
  public String clusterName() {
    return clusterName;
  }

  @Override
  public Duration stackOperationTimeout() {
    return stackOperationTimeout;
  }

  public Duration stackWatchInterval = Duration.ZERO;
  public Duration stackWatchFallback = Duration.ofMinutes(5);
  public Duration stackWatchFirstLook = Duration.ofMillis(100);
  public Duration stackWatchRetryAfter = Duration.ofMinutes(5);

  @Override
  public StackWatch stackWatch() {
    return new StackWatch() {
      @Override
      public Duration interval() {
        return stackWatchInterval;
      }

      @Override
      public Duration fallback() {
        return stackWatchFallback;
      }

      @Override
      public Duration firstLook() {
        return stackWatchFirstLook;
      }

      @Override
      public Duration retryAfter() {
        return stackWatchRetryAfter;
      }
    };
  }

  @Override
  public Retry retry() {
    return new Retry() {
      @Override
      public Duration initialDelay() {
        return retryInitialDelayOnFailure;
      }

      @Override
      public Duration maxDelay() {
        return retryMaxDelayOnFailure;
      }

      @Override
      public int reportAfter() {
        return reportAfter;
      }
    };
  }

  /** Off unless a test turns it on, so the other reconcile tests see no drift check. */
  public Duration driftInterval = Duration.ZERO;

  public Duration driftRetryDelay = Duration.ofMinutes(1);

  @Override
  public Drift drift() {
    return new Drift() {
      @Override
      public Duration interval() {
        return driftInterval;
      }

      @Override
      public Duration retryDelay() {
        return driftRetryDelay;
      }
    };
  }

  @Override
  public Admission admission() {
    return () -> false;
  }

  @Override
  public Duration pollInterval() {
    return pollInterval;
  }

  @Override
  public Duration resyncInterval() {
    return resyncInterval;
  }

  @Override
  public Duration firstPollDelay() {
    return firstPollDelay;
  }

  @Override
  public Duration stalledRecheckInterval() {
    return stalledRecheckInterval;
  }

  @Override
  public Aws aws() {
    return new Aws() {
      @Override
      public Optional<String> deployerRoleName() {
        return Optional.of("xaccess-deployer");
      }

      @Override
      public boolean s3PathStyle() {
        return true;
      }

      @Override
      public Duration apiCallTimeout() {
        return Duration.ofSeconds(5);
      }

      @Override
      public String partition() {
        return "aws";
      }

      @Override
      public String permissionsBoundaryName() {
        return "xaccess-grant-boundary";
      }
    };
  }

  @Override
  public LeaderElection leaderElection() {
    throw new UnsupportedOperationException("not used by the reconcile logic");
  }

  @Override
  public Verification verification() {
    return new Verification() {
      @Override
      public Duration retryInitialDelay() {
        return retryInitialDelay;
      }

      @Override
      public Duration retryMaxDelay() {
        return retryMaxDelay;
      }

      @Override
      public Duration propagationWindow() {
        return propagationWindow;
      }
    };
  }
}
