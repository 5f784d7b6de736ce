#!/usr/bin/env bash
# Creates (or refreshes) the project-local virtualenv with the pinned Python tools the tests run:
# moto server, cfn-lint and checkov. A second run with unchanged pins does nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
venv="${XACCESS_TOOLS_DIR:-$here/../.tools}/venv"
python=${PYTHON:-python3}

want=$( (cat "$here/python-requirements.txt" "$here/python-constraints.txt"; "$python" --version) | sha256sum | cut -d' ' -f1)
if [[ -x "$venv/bin/moto_server" && "$(cat "$venv/.xaccess-stamp" 2>/dev/null)" == "$want" ]]; then
  echo "venv: $venv is up to date"
  exit 0
fi

echo "venv: installing pinned tools into $venv"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  -r "$here/python-requirements.txt" -c "$here/python-constraints.txt"
"$venv/bin/moto_server" --help >/dev/null
"$venv/bin/cfn-lint" --version
"$venv/bin/checkov" --version
echo "$want" > "$venv/.xaccess-stamp"
