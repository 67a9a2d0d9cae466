#!/usr/bin/env bash
# ./dev test-pythons [VERSIONS...]: the tests of the backends that install on each Python
# without a multi-GB download (JAX, TensorFlow, MXNet; torch too where the PyTorch CPU index
# answers), in .venv-<version> from requirements/lock-py<version>.txt. Default: 3.12 3.13.
# D2LRNN_RELOCK=1 resolves afresh and rewrites the lock file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
versions=("$@"); [ ${#versions[@]} -gt 0 ] || versions=(3.12 3.13)
files=(tests/test_backends.py tests/test_book_tabs.py tests/test_mxnet_compat.py
       tests/test_core.py tests/test_reference.py tests/test_cli_ux.py)
find_python() {  # a python$1 that runs (a pyenv shim for a version not selected does not)
  local c
  for c in "$(command -v "python$1" || true)" \
           $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1"*/bin/python 2>/dev/null); do
    if [ -n "$c" ] && "$c" -c "import sys" >/dev/null 2>&1; then echo "$c"; return; fi
  done
}
quiet_pip() {  # pip, without the notices some machines' pip configuration prints per package
  "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}
status=0
for ver in "${versions[@]}"; do
  py="$(find_python "$ver")"
  if [ -z "$py" ]; then echo "d2lrnn: Python $ver not found" >&2; status=1; continue; fi
  venv="$root/.venv-$ver"; lock="$root/requirements/lock-py$ver.txt"
  if [ ! -x "$venv/bin/python" ] || [ "${D2LRNN_RELOCK:-0}" = 1 ]; then
    rm -rf "$venv"; "$py" -m venv "$venv"
    quiet_pip "$venv/bin/python" -m pip install -q -r requirements/lock-pip.txt
    if [ -f "$lock" ] && [ "${D2LRNN_RELOCK:-0}" != 1 ]; then
      quiet_pip "$venv/bin/python" -m pip install -q -r "$lock"
    else
      quiet_pip "$venv/bin/python" -m pip install -q "jax>=0.4.30" "jaxlib>=0.4.30" "flax>=0.10" \
        "optax>=0.2" "tensorflow-cpu>=2.16" "keras>=3" requests setuptools numpy matplotlib \
        tqdm pytest ruff psutil nbclient nbformat ipykernel
      { echo "# ./dev test-pythons on Python $ver (resolved $(date -u +%F)); mxnet==1.9.1 --no-deps"
        "$venv/bin/python" -m pip freeze --exclude-editable; } > "$lock"
    fi
    quiet_pip "$venv/bin/python" -m pip install -q --no-deps -r requirements/lock-nodeps.txt
    quiet_pip "$venv/bin/python" -m pip install -q --no-deps --no-build-isolation -e . 2>/dev/null
  fi
  backends="jax,tensorflow,mxnet"; select=(-k "not torch")
  if "$venv/bin/python" -c "import torch" 2>/dev/null; then backends="torch,$backends"; select=(); fi
  echo "d2lrnn: Python $ver, backends $backends" >&2
  D2LRNN_TEST_BACKENDS="$backends" "$venv/bin/python" -m pytest -q "${select[@]}" "${files[@]}" \
    || status=1
done
exit $status
