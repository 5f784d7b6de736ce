package io.xaccess.verification;

import io.xaccess.api.v1alpha1.Reason;

/**
 * The result of one proof of access.
 *
 * @param succeeded whether every step the role is allowed to do worked
 * @param objectKey the key written (and removed)
 * @param durationMillis how long the steps took
 * @param reason the reason for the AccessVerified condition
 * @param message what was proven, or what failed and what to fix
 */
public record VerificationOutcome(
    boolean succeeded, String objectKey, long durationMillis, Reason reason, String message) {}
