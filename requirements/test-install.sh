#!/usr/bin/env bash
# ./dev test-install [EXTRAS...]: the reader's install, for real (network, a few GB of
# downloads): a clean copy of this commit, one new venv per extra, `pip install '.[extra]'`,
# then the book's tab and `d2lrnn train` from outside the checkout; prints each venv's size and
# whether anything was written to stderr. Extras: torch jax tensorflow mxnet mxnet-3.12
# mxnet-3.13 (default: the first four). Venvs are deleted afterwards (KEEP=1 keeps them).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
extras=("$@"); [ ${#extras[@]} -gt 0 ] || extras=(torch jax tensorflow mxnet)
work="$(mktemp -d "${TMPDIR:-/tmp}/d2lrnn-install.XXXX")"
git -C "$root" archive --format=tar HEAD | (mkdir -p "$work/src" && tar -x -C "$work/src")
pyver() {  # a python$1 that runs (a pyenv shim for a version not selected does not)
  local c
  for c in "$(command -v "python$1" || true)" \
           $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1"*/bin/python 2>/dev/null); do
    if [ -n "$c" ] && "$c" -c "import sys" >/dev/null 2>&1; then echo "$c"; return; fi
  done
}
status=0
for spec in "${extras[@]}"; do
  extra="${spec%%-*}"; ver="3.11"; [ "$spec" = "$extra" ] || ver="${spec#*-}"
  v="$work/venv-$spec"; w="$work/run-$spec"; mkdir -p "$w"
  "$(pyver "$ver")" -m venv "$v"
  start=$(date +%s)
  if ! "$v/bin/pip" install -q "$work/src[$extra]" > "$w/install.log" 2>&1; then
    echo "$spec: install FAILED (see $w/install.log)"; status=1; continue; fi
  if [ "$extra" = mxnet ] && ! "$v/bin/python" -c "import importlib.metadata as m; m.version('mxnet')" 2>/dev/null; then
    "$v/bin/pip" install -q --no-deps mxnet==1.9.1 >> "$w/install.log" 2>&1  # Python 3.13
  fi
  secs=$(( $(date +%s) - start ))
  tab="$extra"; [ "$extra" = torch ] && tab=pytorch
  cp "$work/src/tests/book/${tab}_tab.py" "$w/"
  (cd "$w" && D2LRNN_MAX_EPOCHS=2 MPLBACKEND=Agg "$v/bin/python" "${tab}_tab.py" > tab.out 2> tab.err)
  tab_rc=$?
  (cd "$w" && "$v/bin/d2lrnn" train --backend "$extra" --epochs 2 --out run > train.out 2> train.err)
  train_rc=$?
  noise=$(grep -v -c -E "^train $extra: epoch [0-9]+/2 " "$w/train.err")
  nvidia=$("$v/bin/pip" list 2>/dev/null | grep -c -i '^nvidia' || true)
  numpy=$("$v/bin/python" -c "import numpy; print(numpy.__version__)")
  echo "$spec: Python $ver, installed in ${secs}s, venv $(du -sh "$v" | cut -f1), numpy $numpy," \
       "nvidia packages $nvidia; book tab rc=$tab_rc ($(wc -l < "$w/tab.err") stderr lines);" \
       "d2lrnn train rc=$train_rc ($noise stderr lines besides the epoch lines):" \
       "$(tail -1 "$w/train.out")"
  [ $tab_rc = 0 ] && [ $train_rc = 0 ] && [ "$noise" = 0 ] && [ "$nvidia" = 0 ] || status=1
done
[ "${KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"
exit $status
