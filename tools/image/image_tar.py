#!/usr/bin/env python3
"""Writes a container image as a `docker save` tarball from folders, one layer per folder.

Used by build-base.sh to make the base image that Jib reads with `tar://` when no registry can be
reached. The output is reproducible: entries sorted, every time stamp 0, every file owned by root
unless --owner says otherwise, so the same inputs give the same layer digests.
"""

import argparse
import hashlib
import io
import json
import os
import tarfile

EPOCH = "1970-01-01T00:00:00Z"


def layer_tar(folder, owners):
    """The uncompressed layer tar of everything under `folder` (paths relative to it)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            # os.walk lists symlinks to folders among dirs; tar them as links, never descend.
            for name in sorted(dirs + files):
                path = os.path.join(root, name)
                arcname = os.path.relpath(path, folder)
                info = tar.gettarinfo(path, arcname)
                info.mtime = 0
                info.uid, info.gid = owners.get(arcname, (0, 0))
                info.uname = info.gname = ""
                if info.isfile():
                    with open(path, "rb") as content:
                        tar.addfile(info, content)
                else:
                    tar.addfile(info)
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
    return buffer.getvalue()


def add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def key_values(pairs):
    return dict(pair.split("=", 1) for pair in pairs)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="the tarball to write")
    parser.add_argument("--tag", required=True, help="repository:tag recorded in manifest.json")
    parser.add_argument("--layer", action="append", default=[], metavar="FOLDER=COMMENT")
    parser.add_argument("--owner", action="append", default=[], metavar="PATH=UID:GID")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--label", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--user", default="")
    parser.add_argument("--workdir", default="")
    parser.add_argument("--entrypoint", default="[]", help="JSON array")
    args = parser.parse_args()

    owners = {
        path: tuple(int(n) for n in ids.split(":")) for path, ids in key_values(args.owner).items()
    }
    layers = []
    for spec in args.layer:
        folder, comment = spec.split("=", 1)
        data = layer_tar(folder, owners)
        layers.append((hashlib.sha256(data).hexdigest(), data, comment))

    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": EPOCH,
        "config": {
            "User": args.user,
            "Env": [f"{k}={v}" for k, v in key_values(args.env).items()],
            "Entrypoint": json.loads(args.entrypoint),
            "WorkingDir": args.workdir,
            "Labels": key_values(args.label),
        },
        "rootfs": {"type": "layers", "diff_ids": [f"sha256:{digest}" for digest, _, _ in layers]},
        "history": [
            {"created": EPOCH, "created_by": comment, "comment": "tools/image/build-base.sh"}
            for _, _, comment in layers
        ],
    }
    config_bytes = json.dumps(config, indent=2, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [
        {
            "Config": config_name,
            "RepoTags": [args.tag],
            "Layers": [f"{digest}/layer.tar" for digest, _, _ in layers],
        }
    ]

    partial = args.out + ".partial"
    with tarfile.open(partial, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for digest, data, _ in layers:
            add_bytes(tar, f"{digest}/layer.tar", data)
        add_bytes(tar, config_name, config_bytes)
        add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
    os.replace(partial, args.out)
    print(f"wrote {args.out}: {len(layers)} layers, config {config_name[:19]}")


if __name__ == "__main__":
    main()
