"""moto server for xaccess's tests: moto 5.2.5 with eight small patches, then moto's own server.

Usage (the arguments are moto_server's own):  python xaccess_moto.py -H 127.0.0.1 -p 5000

The operator's drift detection reads back what its production stack created (bucket policy, key
policy, public access block) and compares it with the template. moto 5.2.5 cannot show those, so
this launcher closes exactly these gaps (src/test/java/io/xaccess/testing/MOTO.md):

  1. AWS::S3::BucketPolicy in a template was reported CREATE_COMPLETE but set nothing: a
     CloudFormation model for it is registered.
  2. moto evaluates a bucket policy on object requests with no request context (no principal, no
     aws:SecureTransport), so every Deny statement denies every caller: bucket policies are no
     longer enforced on any S3 call, as no other policy is (moto has no IAM evaluation at all).
  3. PublicAccessBlockConfiguration of an AWS::S3::Bucket was ignored: it is applied.
  4. The KeyPolicy of an AWS::KMS::Key was stored as an object (DescribeKey answered a codeless 500,
     GetKeyPolicy no JSON string): it is stored as the JSON string AWS keeps.
  5. BucketKeyEnabled in an AWS::S3::Bucket's BucketEncryption was dropped (GetBucketEncryption said
     false, while PutBucketEncryption keeps it): it is kept.
  6. An executed UPDATE change set left the stack's tags as they were (UpdateStack replaces them,
     as AWS does for both): the change set's tags replace them.
  7. The inline Policies of an AWS::IAM::Role were stored as objects, so GetRolePolicy answered a
     Python dict's repr instead of JSON: they are stored as the JSON strings AWS keeps.
  8. An update of a resource whose type moto cannot update (AWS::KMS::Key) stored None as the
     resource, so every later Fn::GetAtt of it failed the update: the resource is kept as it was.

Every patch checks that what it replaces is there; any other moto version stops the start-up, so an
upgrade cannot silently drop a patch (re-check the gaps by hand, then change the version here).
"""

import json
import sys
from typing import Any, NoReturn

EXPECTED_MOTO_VERSION = "5.2.5"


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"xaccess_moto: {message}; not starting\n")
    raise SystemExit(3)


import moto  # noqa: E402

if moto.__version__ != EXPECTED_MOTO_VERSION:
    _fail(
        f"moto {moto.__version__} is installed, the patches are for {EXPECTED_MOTO_VERSION} "
        "(tools/python-requirements.txt)"
    )

from moto import server  # noqa: E402
from moto.cloudformation import parsing  # noqa: E402  (imports every CloudFormation model)
from moto.core.common_models import CloudFormationModel  # noqa: E402
from moto.iam.access_control import PermissionResult  # noqa: E402
from moto.kms.models import Key  # noqa: E402
from moto.s3.exceptions import MissingBucket  # noqa: E402
from moto.s3.models import FakeBucket, S3Backend, s3_backends  # noqa: E402
from moto.utilities.utils import get_partition  # noqa: E402


def _require(owner: Any, name: str, gap: str) -> Any:
    """The attribute a patch replaces or calls; stops the start-up if moto no longer has it."""
    if not hasattr(owner, name):
        _fail(f"{getattr(owner, '__name__', owner)}.{name} is missing (patch for {gap})")
    return getattr(owner, name)


def _s3(account_id: str, region_name: str) -> Any:
    return s3_backends[account_id][get_partition(region_name)]


# --- Gap 1: AWS::S3::BucketPolicy --------------------------------------------------------------
# moto has no model for the type, so CloudFormation skipped the resource and still reported
# CREATE_COMPLETE. This model puts the document on the bucket named by `Bucket` (create and update),
# and on delete removes the policy if the bucket still exists. The bucket itself is never touched:
# the templates retain it. Its physical id is the bucket name, as on AWS.

BUCKET_POLICY_TYPE = "AWS::S3::BucketPolicy"

for _name in ("get_model_list", "get_model_map", "get_name_type_map"):
    _require(getattr(parsing, _name), "cache_clear", "gap 1: model map under lru_cache")
_require(parsing, "parse_and_update_resource", "gap 1: updates honour the Condition")
for _name in ("put_bucket_policy", "delete_bucket_policy"):
    _require(S3Backend, _name, "gap 1: bucket policy")
if BUCKET_POLICY_TYPE in parsing.get_model_map():
    _fail(f"moto has its own {BUCKET_POLICY_TYPE} model now; drop the patch for gap 1")


def _policy_bytes(document: Any) -> bytes:
    # PolicyDocument is JSON in the template; CloudFormation also accepts it as a JSON string.
    if isinstance(document, str):
        return document.encode("utf-8")
    return json.dumps(document).encode("utf-8")


class XaccessBucketPolicy(CloudFormationModel):
    """An AWS::S3::BucketPolicy: the policy document of one bucket."""

    # moto files every model under the service its module is named for (moto.<service>....).
    __module__ = "moto.s3.xaccess_moto"

    def __init__(self, bucket_name: str):
        self.bucket_name = bucket_name

    @property
    def physical_resource_id(self) -> str:
        return self.bucket_name

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""  # no name property

    @staticmethod
    def cloudformation_type() -> str:
        return BUCKET_POLICY_TYPE

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False  # AWS::S3::BucketPolicy has no Fn::GetAtt attributes

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "XaccessBucketPolicy":
        properties = cloudformation_json["Properties"]
        bucket_name = properties["Bucket"]
        # A missing bucket raises NoSuchBucket, as the create fails on AWS.
        _s3(account_id, region_name).put_bucket_policy(
            bucket_name, _policy_bytes(properties["PolicyDocument"])
        )
        return cls(bucket_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[override]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "XaccessBucketPolicy":
        updated = cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )
        # `Bucket` is immutable: another bucket replaces the resource, so the old policy goes.
        if (
            isinstance(original_resource, XaccessBucketPolicy)
            and original_resource.bucket_name != updated.bucket_name
        ):
            original_resource.delete(account_id, region_name)
        return updated

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[override]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        cls(resource_name).delete(account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            _s3(account_id, region_name).delete_bucket_policy(self.bucket_name)
        except MissingBucket:
            pass  # the bucket is gone already: so is its policy

    def is_created(self) -> bool:
        return True


# get_model_map and friends read CloudFormationModel.__subclasses__() once (lru_cache): forget
# what they read so far, then make sure the new model is the one found.
for _name in ("get_model_list", "get_model_map", "get_name_type_map"):
    getattr(parsing, _name).cache_clear()
if parsing.get_model_map().get(BUCKET_POLICY_TYPE) is not XaccessBucketPolicy:
    _fail(f"{BUCKET_POLICY_TYPE} could not be registered (patch for gap 1)")

# moto's update modifies every resource whose properties changed without looking at its Condition
# (and creates it on the way if the condition has just turned true). A bucket policy whose
# condition is false stays as it is (none, or the one from before), which is what moto does for
# every other type it skips (MOTO.md: conditions are not re-evaluated on an update); without this
# an update of a stack that does not manage the bucket policy would put one.
_parse_and_update_resource = parsing.parse_and_update_resource


def _parse_and_update_resource_honouring_condition(
    logical_id: str, resource_json: dict[str, Any], resources_map: Any, *args: Any, **kwargs: Any
) -> Any:
    condition = resource_json.get("Condition")
    if (
        resource_json.get("Type") == BUCKET_POLICY_TYPE
        and condition
        and not resources_map.lazy_condition_map[condition]
    ):
        return resources_map._parsed_resources.get(logical_id)
    updated = _parse_and_update_resource(logical_id, resource_json, resources_map, *args, **kwargs)
    if updated is None:
        # Gap 8: a type moto cannot update (AWS::KMS::Key has no update) came back as None, which
        # moto then stored as the resource: every later Fn::GetAtt of it failed ("references
        # undefined resource"). Keep the resource as it was, as an update in place leaves it.
        return resources_map._parsed_resources.get(logical_id)
    return updated


parsing.parse_and_update_resource = _parse_and_update_resource_honouring_condition


# --- Gap 2: bucket policies are not enforced --------------------------------------------------
# moto evaluates a bucket policy on object calls (GetObject, PutObject, DeleteObjects...) without
# principal or condition context, so a Deny with any condition (the templates' TLS-only Deny, the
# DenyObjectAccessToEveryoneElse lock-out) denies everyone. No other policy is enforced by moto;
# policy semantics are proven by the IAM evaluator instead. NEUTRAL is what moto answers for a
# bucket without a policy; FakeBucket.get_permission is the only place S3 consults the policy.
_require(FakeBucket, "get_permission", "gap 2: bucket policy enforcement")
_require(PermissionResult, "NEUTRAL", "gap 2: bucket policy enforcement")


def _bucket_policy_not_enforced(self: Any, action: str, resource: str) -> Any:
    return PermissionResult.NEUTRAL


FakeBucket.get_permission = _bucket_policy_not_enforced


# --- Gap 3: PublicAccessBlockConfiguration of an AWS::S3::Bucket ------------------------------
# moto's bucket model applies encryption and tags only. After its create or update, put the
# template's public access block (PutPublicAccessBlock), or remove it when an update drops it.
_bucket_create = _require(FakeBucket, "create_from_cloudformation_json", "gap 3")
_bucket_update = _require(FakeBucket, "update_from_cloudformation_json", "gap 3")
for _name in ("put_public_access_block", "delete_public_access_block"):
    _require(S3Backend, _name, "gap 3: public access block")


def _apply_public_access_block(
    bucket: Any, cloudformation_json: dict[str, Any], account_id: str, region_name: str
) -> None:
    config = (cloudformation_json.get("Properties") or {}).get("PublicAccessBlockConfiguration")
    backend = _s3(account_id, region_name)
    if config:
        backend.put_public_access_block(bucket.name, config)
    else:
        backend.delete_public_access_block(bucket.name)


def _bucket_create_with_public_access_block(
    cls: Any,
    resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    bucket = _bucket_create(resource_name, cloudformation_json, account_id, region_name, **kwargs)
    _apply_public_access_block(bucket, cloudformation_json, account_id, region_name)
    return bucket


def _bucket_update_with_public_access_block(
    cls: Any,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
) -> Any:
    bucket = _bucket_update(
        original_resource, new_resource_name, cloudformation_json, account_id, region_name
    )
    _apply_public_access_block(bucket, cloudformation_json, account_id, region_name)
    return bucket


FakeBucket.create_from_cloudformation_json = classmethod(_bucket_create_with_public_access_block)
FakeBucket.update_from_cloudformation_json = classmethod(_bucket_update_with_public_access_block)


# --- Gap 4: the KeyPolicy of an AWS::KMS::Key -------------------------------------------------
# moto passes the template's KeyPolicy object to create_key, which stores it as it is: DescribeKey
# then fails (its key policy check runs json.loads on an object: a codeless 500) and GetKeyPolicy
# answers an object where AWS answers a JSON string. Hand moto the JSON string instead.
_key_create = _require(Key, "create_from_cloudformation_json", "gap 4")


def _as_json(document: Any) -> Any:
    """A policy document as AWS keeps it: a JSON string (one already a string stays as it is)."""
    return document if document is None or isinstance(document, str) else json.dumps(document)


def _creating_with_properties(create: Any, rewrite: Any) -> Any:
    """A create_from_cloudformation_json that hands moto the resource's properties rewritten."""

    def created(
        cls: Any,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        properties = cloudformation_json.get("Properties") or {}
        cloudformation_json = {**cloudformation_json, "Properties": rewrite(properties)}
        return create(resource_name, cloudformation_json, account_id, region_name, **kwargs)

    return classmethod(created)


def _key_policy_as_json(properties: dict[str, Any]) -> dict[str, Any]:
    if "KeyPolicy" not in properties:
        return properties
    return {**properties, "KeyPolicy": _as_json(properties["KeyPolicy"])}


Key.create_from_cloudformation_json = _creating_with_properties(_key_create, _key_policy_as_json)


# --- Gap 5: BucketKeyEnabled of an AWS::S3::Bucket's BucketEncryption --------------------------
# moto turns the template's BucketEncryption into the API's form with cfn_to_api_encryption, which
# keeps the algorithm and key but drops BucketKeyEnabled, so GetBucketEncryption answered false for
# a bucket the template gave a bucket key (PutBucketEncryption keeps it). Keep it.
import moto.s3.models as _s3_models  # noqa: E402

_cfn_to_api_encryption = _require(_s3_models, "cfn_to_api_encryption", "gap 5")


def _cfn_to_api_encryption_with_bucket_key(properties: dict[str, Any]) -> Any:
    encryption = _cfn_to_api_encryption(properties)
    rule = properties["ServerSideEncryptionConfiguration"][0]
    if "BucketKeyEnabled" in rule:
        encryption["Rule"]["BucketKeyEnabled"] = rule["BucketKeyEnabled"]
    return encryption


_s3_models.cfn_to_api_encryption = _cfn_to_api_encryption_with_bucket_key


# --- Gap 6: an executed UPDATE change set's tags ---------------------------------------------
# AWS gives a stack the tags of the change set it executes (as UpdateStack does); moto's
# ExecuteChangeSet applied the template and parameters only. The operator updates through change
# sets, and a stack made by hand that it takes over becomes the grant's by the xaccess.io/uid tag
# that update sets.
from moto.cloudformation.models import ChangeSet  # noqa: E402

_change_set_apply = _require(ChangeSet, "apply", "gap 6")


def _apply_with_tags(self: Any) -> None:
    _change_set_apply(self)
    if self.change_set_type == "UPDATE" and self.tags is not None:
        self.stack.tags = dict(self.tags)


ChangeSet.apply = _apply_with_tags


# --- Gap 7: the inline Policies of an AWS::IAM::Role --------------------------------------------
# moto hands each PolicyDocument object to put_policy as it is, and GetRolePolicy then answers its
# Python repr ({'Version': ...}), which no JSON reader takes; a hand-made stack (the runbook's)
# holds its role's permissions so. Hand moto the JSON string, as it does for the trust policy.
from moto.iam.models import Role  # noqa: E402

_role_create = _require(Role, "create_from_cloudformation_json", "gap 7")


def _inline_policies_as_json(properties: dict[str, Any]) -> dict[str, Any]:
    if not properties.get("Policies"):
        return properties
    return {
        **properties,
        "Policies": [
            {**p, "PolicyDocument": _as_json(p.get("PolicyDocument"))}
            for p in properties["Policies"]
        ],
    }


Role.create_from_cloudformation_json = _creating_with_properties(
    _role_create, _inline_policies_as_json
)


if __name__ == "__main__":
    _require(server, "main", "the server")
    server.main(sys.argv[1:])
