package io.xaccess.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The CEL copies of Java lists say the same as the lists the operator uses. */
class PatternsTest {

  @Test
  void theCelActionListIsRoleSpecsAllowedActions() {
    String literal = Patterns.ALLOWED_ACTIONS;
    assertThat(literal).startsWith("[").endsWith("]");
    assertThat(
            Arrays.stream(literal.substring(1, literal.length() - 1).split(","))
                .map(a -> a.strip().replace("'", ""))
                .toList())
        .containsExactlyElementsOf(RoleSpec.ALLOWED_ACTIONS);
  }
}
