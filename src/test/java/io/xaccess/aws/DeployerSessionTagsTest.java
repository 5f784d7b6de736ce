package io.xaccess.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sts.model.Tag;

class DeployerSessionTagsTest {

  @Test
  void aSessionCarriesTheClusterAndTheGrantsNamespace() {
    assertThat(DeployerSessionTags.of("prod-eks", "team-a"))
        .containsExactly(
            Tag.builder().key("xaccess:cluster").value("prod-eks").build(),
            Tag.builder().key("xaccess:namespace").value("team-a").build());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "default",
        "prod-eks",
        "arn:aws:eks:eu-west-1:111111111111:cluster/prod",
        "team@acme.com/eks_1+2=3",
        "eks prod 1"
      })
  void clusterNamesAwsTakesAsTagValues(String name) {
    assertThat(DeployerSessionTags.checkClusterName(name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " prod", "prod ", "prod*", "prod,dev", "prod\n", "aws:prod", "AWS:x"})
  void clusterNamesAwsWouldRefuseStopTheOperator(String name) {
    assertThatThrownBy(() -> DeployerSessionTags.checkClusterName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("xaccess.cluster-name");
  }

  @Test
  void aClusterNameOfAtMost256Characters() {
    assertThat(DeployerSessionTags.checkClusterName("c".repeat(256))).hasSize(256);
    assertThatThrownBy(() -> DeployerSessionTags.checkClusterName("c".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyKubernetesNamespaceIsATagValue() {
    // DNS-1123 labels: at most 63 lowercase letters, digits and '-'.
    assertThat(DeployerSessionTags.of("c", "a".repeat(63)).get(1).value()).hasSize(63);
    assertThat(DeployerSessionTags.of("c", "team-a-2").get(1).value()).isEqualTo("team-a-2");
  }
}
