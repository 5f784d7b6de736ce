package io.xaccess.api.v1alpha1;

/**
 * Every reason a condition or an Event of a CrossAccountAccess carries: part of the API, since
 * users, {@code kubectl wait} and GitOps tools match on them. One definition each; the status
 * builder, the rollout, the verifier, the error classification and the Events all use these.
 */
public enum Reason {
  // --- a stack (ProductionStackReady / DevelopmentStackReady) ---
  /** The production stack is not deployed yet. */
  Pending,
  /** The development stack waits for the production stack's outputs. */
  WaitingForProduction,
  /** The operator started creating the stack. */
  Creating,
  /** The operator is preparing or executing a change set. */
  Updating,
  /** An operation is under way that this reconcile did not start. */
  InProgress,
  /** {@code ContinueUpdateRollback} was started on an {@code UPDATE_ROLLBACK_FAILED} stack. */
  RecoveringRollback,
  /** The stack (or, for Ready, the grant) is being deleted. */
  Deleting,
  /** The operator started deleting the stack. */
  DeleteStarted,
  /** Deletion waits for an operation under way to finish. */
  WaitingToDelete,
  /** Deletion asked CloudFormation to cancel an update in progress (it then rolls back). */
  CancellingUpdate,
  /** An operation has been in progress for longer than {@code xaccess.stack-operation-timeout}. */
  StackStuck,
  /** The stack is gone. */
  Deleted,
  /** The stack was created with the desired configuration. */
  CreateComplete,
  /** The stack was updated to the desired configuration. */
  UpdateComplete,
  /** The stack holds the desired configuration. */
  Deployed,
  /** This configuration failed before; it is retried once the spec or a Secret changes. */
  DeployFailed,
  /** The stack's creation failed; the failed stack was removed. */
  CreateFailed,
  /** An update was rolled back. */
  UpdateFailed,
  /** CloudFormation could not prepare the change set. */
  ChangeSetFailed,

  // --- the proof of access (AccessVerified) ---
  /** Verification runs once both stacks are ready. */
  WaitingForStacks,
  /** {@code verification.enabled} is false. */
  VerificationDisabled,
  /** A put, get and list through the assumed role worked. */
  UploadSucceeded,
  /** The object read back through the role differs from what was written. */
  ContentMismatch,
  /** Listing through the role did not show the object just written. */
  ListMismatch,
  /** The proof of access failed (also the Event reason of a new failure). */
  VerificationFailed,
  /** A failed proof is retried while new IAM roles may still be propagating. */
  WaitingForPropagation,

  // --- the kstatus summary (Ready / Reconciling / Stalled) ---
  /** Both stacks deployed and access proven. */
  AccessVerified,
  /** Both stacks deployed; verification is disabled. */
  StacksDeployed,
  /** The production stack is being deployed. */
  DeployingProduction,
  /** The development stack is being deployed. */
  DeployingDevelopment,
  /** The proof of access is under way. */
  Verifying,
  /** Nothing is in progress. */
  Converged,
  /** Reconciling is False because a problem needs the user. */
  Stalled,
  /** Stalled is False. */
  NotStalled,
  /** {@code spec.suspend} is true. */
  Suspended,

  // --- Lifetime: spec.expiresAt / spec.ttl and the revoke-sessions-before annotation ---
  /** The grant reached its end: trust closed, assume permission removed, older sessions denied. */
  Expired,
  /** The grant reached its end and the closed configuration is being deployed. */
  Closing,
  /** (Event) the production role now denies sessions issued before a new bound. */
  SessionsRevoked,
  /** The xaccess.io/revoke-sessions-before annotation is not an RFC 3339 time. */
  RevocationInvalid,

  // --- advisories ---
  /** {@code trust.requireMfa} meets principals that can never present MFA. */
  RoleSessionsCarryNoMfa,

  // --- problems (Stalled, or Reconciling while retrying) ---
  /** A referenced Secret does not exist. */
  SecretNotFound,
  /** A referenced Secret lacks the key. */
  SecretKeyNotFound,
  /** A referenced Secret lacks the label {@code xaccess.io/secret: "true"}, so it is not used. */
  SecretNotMarked,
  /** A value read from a Secret is not what its field accepts (an external id, for example). */
  SecretValueInvalid,
  /** The operator may not assume the account's deployer role. */
  AssumeRoleDenied,
  /** The credentials used for an account have expired. */
  CredentialsExpired,
  /** The deployer identity lacks a permission. */
  AccessDenied,
  /** The operator has no AWS identity at all. */
  NoCredentials,
  /** The identity used for an account belongs to another account. */
  WrongAccount,
  /** AWS refused the request as invalid; the message holds AWS's error code. */
  AwsRejected,
  /** AWS throttled or answered with a server error; retried with backoff. */
  AwsUnavailable,
  /** AWS could not be reached; retried with backoff. */
  AwsUnreachable,
  /** Another AWS failure; retried with backoff. */
  AwsError,
  /** A failure the operator did not expect; retried with backoff. */
  ReconcileError,
  /** (Event) a passing problem has now failed {@code xaccess.retry.report-after} times in a row. */
  StillFailing,

  // --- Tenancy: what the grant's namespace may do ---
  /** No CrossAccountAccessPolicy selecting the grant's namespace permits all of the grant. */
  NotPermitted,

  // --- Ownership: what the grant may not touch ---
  /** The stack under the grant's name carries another grant's uid (or none): never touched. */
  StackConflict,
  /** An existing bucket already has a bucket policy xaccess did not write: it is never replaced. */
  ForeignBucketPolicy,
  /**
   * A stack the spec names (made by hand) cannot be taken over: its state, or an update with the
   * operator's template would delete or replace its role, bucket or key.
   */
  AdoptionRefused,
  /** (Event) a bucket or key was kept because it does not carry this grant's uid. */
  NotOwned,
  /** (Event) a bucket whose policy the grant managed keeps a TLS-only policy after deletion. */
  TlsOnlyPolicyKept,

  // --- Events of the deletion ---
  /** The release annotation let the resource go without touching AWS. */
  FinalizerReleased,
  /** {@code deletionPolicy: Orphan} left AWS as it was. */
  Orphaned,
  /** The bucket held objects, so it was kept with its key. */
  BucketRetained,
  /** The empty bucket was deleted (and its key scheduled for deletion). */
  BucketDeleted,
  /** A Manual grant's change is planned: change sets made, waiting for approval. */
  AwaitingApproval,
  /** A Manual grant's change sets are being prepared. */
  PreparingPlan,
  /** The approval annotation names a plan that is not the current one. */
  ApprovalStale,
  /** An approved plan is being executed. */
  PlanApproved,
  /** Nothing waits for approval: what is deployed is what the spec asks for. */
  NoPendingPlan,
  /** A change set for the plan could not be made. */
  PlanFailed,

  // --- Drift (Drifted): the live production resources against the declared configuration ---
  /** The live configuration holds what the stack declares. */
  NoDrift,
  /** The live configuration differs from the declared one (reported; nothing changed). */
  DriftDetected,
  /** The declared configuration was put back (also the Event of a repair). */
  DriftRepaired,
  /** Putting the declared configuration back failed; the message says what AWS answered. */
  DriftRepairFailed,
  /** The live configuration could not be read; checked again later. */
  DriftCheckFailed,

  // --- managementPolicy Observe ---
  /** Observe-only: the step is looked at, never carried out. */
  Observing,
  /** Observe-only: AWS holds what the spec would deploy (Ready=True). */
  MatchesSpec,
  /** Observe-only: AWS differs from what the spec would deploy; Drifted says how (Ready=False). */
  DiffersFromSpec,
  /** (Event) an observe-only grant was deleted: nothing in AWS was touched. */
  ObservedOnly
}
