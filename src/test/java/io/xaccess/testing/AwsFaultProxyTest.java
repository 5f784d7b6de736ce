package io.xaccess.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The proxy's standing correction of moto's DescribeStacks list parameters. */
class AwsFaultProxyTest {

  @Test
  void pythonListsBecomeWhatCloudFormationShows() {
    assertThat(
            AwsFaultProxy.listParametersAsAws(
                "<ParameterValue>['a', 'b']</ParameterValue><ParameterValue>['']</ParameterValue>"
                    + "<ParameterValue>[&#x27;arn:aws:iam::2:*&#x27;]</ParameterValue>"
                    + "<ParameterValue>plain</ParameterValue>"))
        .isEqualTo(
            "<ParameterValue>a,b</ParameterValue><ParameterValue></ParameterValue>"
                + "<ParameterValue>arn:aws:iam::2:*</ParameterValue>"
                + "<ParameterValue>plain</ParameterValue>");
  }
}
