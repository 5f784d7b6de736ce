package io.xaccess.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Lease identity is always known to xaccess, so a shutdown can release what it holds. */
class LeaderElectionTest {

  @Test
  void configuredThenHostnameThenARandomOne() {
    assertThat(LeaderElection.identity(Optional.of("replica-a"), "pod-1")).isEqualTo("replica-a");
    assertThat(LeaderElection.identity(Optional.empty(), "pod-1")).isEqualTo("pod-1");
    String random = LeaderElection.identity(Optional.empty(), null);
    assertThat(random).isNotBlank().isNotEqualTo(LeaderElection.identity(Optional.empty(), ""));
  }
}
