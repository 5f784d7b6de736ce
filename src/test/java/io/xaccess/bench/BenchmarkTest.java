package io.xaccess.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The benchmark's own tables: {@code make bench} is not run by the tests, so a table that cannot be
 * built (a duplicate in a Set.of stopped it once) must fail here first.
 */
class BenchmarkTest {

  @Test
  void writesCountAsMutatingAndTheDriftChecksReadsDoNot() {
    assertThat(Benchmark.isMutating("Iam:DetachRolePolicy:success")).isTrue();
    assertThat(Benchmark.isMutating("Iam:PutRolePolicy:success")).isTrue();
    assertThat(Benchmark.isMutating("S3:PutBucketEncryption:success")).isTrue();
    assertThat(Benchmark.isMutating("CloudFormation:ExecuteChangeSet:success")).isTrue();
    assertThat(Benchmark.isMutating("Iam:GetRole:success")).isFalse();
    assertThat(Benchmark.isMutating("Iam:ListAttachedRolePolicies:success")).isFalse();
    assertThat(Benchmark.isMutating("S3:GetPublicAccessBlock:success")).isFalse();
    assertThat(Benchmark.isMutating("Kms:GetKeyPolicy:success")).isFalse();
  }
}
