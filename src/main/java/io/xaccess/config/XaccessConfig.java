package io.xaccess.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Every setting of the operator, under {@code xaccess.*} (env: {@code XACCESS_*}). */
@ConfigMapping(prefix = "xaccess")
public interface XaccessConfig {

  /**
   * The name of this cluster as the AWS accounts know it: every deployer-role session carries it as
   * the session tag {@code xaccess:cluster} (beside {@code xaccess:namespace}, the grant's
   * namespace), and the deployer templates' trust admits only their {@code ClusterName}. An AWS tag
   * value (1-256 letters, digits, spaces, {@code _.:/=+-@}; not {@code aws:...}), checked at
   * startup.
   */
  @WithDefault("default")
  String clusterName();

  /** How often a grant whose stack is being created, updated or deleted is looked at again. */
  @WithDefault("5s")
  Duration pollInterval();

  /** How often a settled grant is observed again (drift, deleted stacks, Secret changes). */
  @WithDefault("10m")
  Duration resyncInterval();

  /**
   * The first look at a stack operation the operator just started; later looks come every
   * pollInterval. A fast stack (an update with few changes, an emulator) is seen done at once, for
   * one extra DescribeStacks on a slow one.
   */
  @WithDefault("1s")
  Duration firstPollDelay();

  /**
   * How often a grant stalled on something outside AWS (a missing Secret) is re-checked: one read
   * of the API server, no AWS call.
   */
  @WithDefault("1m")
  Duration stalledRecheckInterval();

  /**
   * How long a stack operation may stay in progress before the grant reports it as stuck.
   * CloudFormation settles the IAM, S3 and KMS resources these templates hold in minutes, and gives
   * a resource that does not stabilise at most about an hour before failing it; an operation still
   * in progress after that is waiting on something nobody will finish. The operator keeps looking,
   * at the stalled recheck interval instead of every poll.
   */
  @WithDefault("1h")
  Duration stackOperationTimeout();

  /**
   * How many grants the operator works on at once before it starts another new one: grants being
   * reconciled, woken for their next step, or with a stack operation just started whose progress
   * CloudFormation has not shown yet. A grant whose stack CloudFormation is working on does not
   * count. Grants under way are so carried through to Ready before new ones start; deletions and
   * grants under way are never held. As many as the reconcile threads (the Operator SDK's 50).
   */
  @WithDefault("50")
  int maxActiveGrants();

  Retry retry();

  StackWatch stackWatch();

  /**
   * Stack operations watched together: while any grant waits on a stack operation, one ListStacks
   * (in-progress statuses, every page) per account, region and deployer session each interval tells
   * which operations ended, and exactly those grants are woken. A grant watched so looks at its own
   * stack only at the fallback; without the watch (interval 0, or while ListStacks fails for that
   * identity) each grant polls its own stack every pollInterval.
   */
  interface StackWatch {
    /** How often the in-progress stacks are listed while a grant waits on one; 0 turns it off. */
    @WithDefault("500ms")
    Duration interval();

    /**
     * After a grant starts a stack operation, its identity is also listed this soon (at most every
     * 100 ms), so an operation that ends at once is seen without waiting for the next round; not
     * below the interval: off. As short as this since a woken grant reads its own last status write
     * (it is kept over the informer's cache until the informer has it).
     */
    @WithDefault("20ms")
    Duration firstLook();

    /** How long a watched grant waits before it looks at its own stack anyway: a safety net. */
    @WithDefault("5m")
    Duration fallback();

    /**
     * After ListStacks failed for an identity (denied, throttled, unreachable), how long its grants
     * poll their own stacks before the watch tries that identity again.
     */
    @WithDefault("5m")
    Duration retryAfter();
  }

  /** Passing problems (throttling, AWS 5xx, dropped connections, unexpected errors). */
  interface Retry {
    /** The wait after the first failure; it doubles with each further one. */
    @WithDefault("2s")
    Duration initialDelay();

    /** The longest wait between attempts. */
    @WithDefault("5m")
    Duration maxDelay();

    /** After this many failures in a row an Event says so (the status says so from the first). */
    @WithDefault("5")
    int reportAfter();
  }

  Aws aws();

  LeaderElection leaderElection();

  /** More than one replica: one leader reconciles, the others wait on a Lease. */
  interface LeaderElection {
    /** Name of the Lease; replicas of one installation share it. */
    @WithDefault("xaccess-operator")
    String leaseName();

    /** Namespace of the Lease. Unset: the namespace of the operator's own kubeconfig/pod. */
    Optional<String> leaseNamespace();

    /** This replica's identity in the Lease. Unset: the pod name (HOSTNAME). */
    Optional<String> identity();

    /** How long a leader's Lease lasts without renewal: the longest a handover can take. */
    @WithDefault("15s")
    Duration leaseDuration();

    @WithDefault("10s")
    Duration renewDeadline();

    @WithDefault("2s")
    Duration retryPeriod();
  }

  Verification verification();

  Drift drift();

  /**
   * The drift check: the production role's trust, maximum session, boundary and policies, the
   * bucket policy the stack manages, the key policy and the bucket's encryption and public access
   * block, read from AWS and compared by meaning with what the stack declares (docs/drift.md).
   */
  interface Drift {
    /**
     * How often a deployed grant is checked (first one interval after its production stack became
     * ready); 0: only when asked with the xaccess.io/check-drift annotation. Each check costs 3 IAM
     * reads plus one per inline policy and up to 4 S3 and KMS reads; no write when nothing drifted.
     */
    @WithDefault("10m")
    Duration interval();

    /** How soon a check that could not read AWS, or a repair that failed, is tried again. */
    @WithDefault("1m")
    Duration retryDelay();
  }

  Admission admission();

  /** The tenancy webhook (docs/tenancy.md#admission). */
  interface Admission {
    /**
     * Serve {@code POST /admission/tenancy} over HTTPS on every replica, with the certificate of
     * {@code quarkus.http.ssl.certificate.files}/{@code key-files}. Off: no webhook, no informers.
     */
    @WithDefault("false")
    boolean enabled();
  }

  /** How the operator reaches AWS. The endpoint comes from the SDK's own AWS_ENDPOINT_URL. */
  interface Aws {
    /**
     * A deployer role name to assume in every account whose credentials the resource omits ({@code
     * arn:aws:iam::<account>:role/<name>}). Unset: the operator's own identity is used and must
     * belong to the declared account.
     */
    Optional<String> deployerRoleName();

    /** Path-style S3 addressing, for emulators that cannot resolve bucket host names. */
    @WithDefault("false")
    boolean s3PathStyle();

    /** Upper bound on one AWS API call, retries included, so a reconcile never hangs on AWS. */
    @WithDefault("20s")
    Duration apiCallTimeout();

    /** AWS partition of the accounts (aws, aws-cn, aws-us-gov). */
    @WithDefault("aws")
    String partition();

    /**
     * Name of the managed policy every role the stacks create carries as its permissions boundary,
     * in each account ({@code arn:<partition>:iam::<account>:policy/<name>}); the deployer
     * templates in deploy/aws create it and refuse to create a role without it. {@code none}: no
     * boundary, for accounts whose roles are deployed without those templates.
     */
    @WithDefault("xaccess-grant-boundary")
    String permissionsBoundaryName();
  }

  /** The proof of access. */
  interface Verification {
    /** First wait before retrying a verification that IAM propagation may have failed. */
    @WithDefault("5s")
    Duration retryInitialDelay();

    /** Longest wait between verification retries. */
    @WithDefault("1m")
    Duration retryMaxDelay();

    /**
     * How long after a stack change a failed verification is blamed on IAM propagation and retried
     * with backoff, before the grant is reported as failing.
     */
    @WithDefault("3m")
    Duration propagationWindow();
  }
}
