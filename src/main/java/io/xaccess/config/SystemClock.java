package io.xaccess.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The clock every schedule reads, injected so unit tests can move time themselves. */
public class SystemClock {

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
