package io.xaccess.api.v1alpha1;

/** What deleting a CrossAccountAccess does in AWS. */
public enum DeletionPolicy {
  /** Remove both stacks, development first. */
  Delete,
  /** Leave every stack and resource in AWS untouched. */
  Orphan
}
