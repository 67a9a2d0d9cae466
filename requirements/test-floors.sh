#!/usr/bin/env bash
# ./dev test-floors [torch jax tensorflow mxnet] [--top] [--replay] [-- PYTEST ARGS...]
#
# The versions pyproject.toml declares are the versions tested. For each framework (default:
# all four, one after the other), in its own new venv on Python 3.11 (D2LRNN_PYTHON below):
#   floors   .venv-floor-<fw>: the lowest release of every requirement of the extra and of the
#            core dependencies (numpy, matplotlib, tqdm), each `>=X` taken as `==X`, exactly as
#            pyproject.toml says them (read from it: nothing here repeats a version);
#   --top    .venv-top-<fw>: the newest release of each (pip's choice today, ignoring our upper
#            bounds: a cap in pip's own configuration, such as this machine's torch<=2.14.1 in
#            /etc/xdg/pip, still applies and is printed);
# then d2lrnn itself with --no-deps (editable) and pytest, records `pip freeze` in
# requirements/floors-<fw>.txt or requirements/top-<fw>.txt, and runs that backend's tests: the
# book's tabs, both editions (the files below, with D2LRNN_TEST_BACKENDS=<fw> and -k <fw>; the
# cross-backend tests of test_parity.py need all four frameworks in one process and are
# deselected). --replay installs the recorded file instead (--no-deps: the exact set recorded).
# PYTEST ARGS after `--` are passed on (e.g. -- -x). D2LRNN_PYTHON=3.13 uses that Python
# (venvs and records get a -py3.13 suffix): the floors need 3.11 (numpy 1.24 has no wheel for
# 3.12+), and the newest jax and flax need 3.12+. torch's floor comes from PyPI: its Linux
# wheel is the CUDA build (about 2.5 GB of nvidia-* packages), the only torch 2.3 pip can get
# without the PyTorch CPU index.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
ALL=(torch jax tensorflow mxnet)
FILES=(tests/test_backends.py tests/test_parity.py tests/test_concise.py tests/test_book_tabs.py
       tests/test_book_chapter.py tests/test_book_concise.py tests/test_classic_book.py
       tests/test_book_modern.py)
mode=floor; flag=""; replay=0; fws=(); pytest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --top) mode=top; flag=" --top" ;;
    --replay) replay=1 ;;
    --) shift; pytest_args=("$@"); break ;;
    torch|jax|tensorflow|mxnet) fws+=("$1") ;;
    *) echo "usage: ./dev test-floors [torch jax tensorflow mxnet] [--top] [--replay]" \
            "[-- PYTEST ARGS]" >&2; exit 2 ;;
  esac
  shift
done
[ ${#fws[@]} -gt 0 ] || fws=("${ALL[@]}")
say() { echo "d2lrnn test-floors: $*" >&2; }
pyver="${D2LRNN_PYTHON:-3.11}"  # another Python: venvs and records get a -py<version> suffix
sfx=""; [ "$pyver" = 3.11 ] || sfx="-py$pyver"
find_python() {  # a python$pyver that runs (a pyenv shim for a version not selected does not)
  local c
  for c in "$(command -v "python$pyver" || true)" \
           $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$pyver"*/bin/python 2>/dev/null); do
    if [ -n "$c" ] && "$c" -c "import sys" >/dev/null 2>&1; then echo "$c"; return; fi
  done
}
quiet_pip() {  # pip, without the notices some machines' pip configuration prints per package
  "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}
py="$(find_python)"
[ -n "$py" ] || { say "Python $pyver not found"; exit 1; }
if [ "$mode" = floor ] && [ "$pyver" != 3.11 ]; then
  say "the floors are for Python 3.11 (numpy 1.24 has no wheel for $pyver); use --top there"
  exit 2
fi
pytest_pin="$(grep -i '^pytest==' requirements/lock.txt)"  # the test runner as the lock has it
# the book-section tests execute notebooks through a Jupyter kernel: its packages, as locked
mapfile -t runner_pins < <(grep -iE '^(nbclient|nbformat|ipykernel)==' requirements/lock.txt)

specs() {  # FW MODE: the requirements to install, one a line, from pyproject.toml
  "$py" - "$1" "$2" <<'PY'
import sys, tomllib
from pip._vendor.packaging.requirements import Requirement
fw, mode = sys.argv[1:]
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
for line in project["dependencies"] + project["optional-dependencies"][fw]:
    req = Requirement(line)
    if req.marker and not req.marker.evaluate():
        continue
    pins = [s.version for s in req.specifier if s.operator == "=="]
    floors = [s.version for s in req.specifier if s.operator == ">="]
    if pins:                      # an exact pin (mxnet==1.9.1) is its own floor and top
        print(f"{req.name}=={pins[0]}")
    elif mode == "top":
        print(req.name)           # the newest release, whatever our upper bound says
    elif floors:
        print(f"{req.name}=={floors[0]}")
    else:
        sys.exit(f"{req.name}: no floor declared in pyproject.toml ({line!r})")
PY
}

numpy_after() {  # FLOOR: the next 12 numpy releases after FLOOR, oldest first
  "$vpy" -m pip index versions numpy 2>/dev/null | "$vpy" -c '
import sys
from pip._vendor.packaging.version import Version
floor = Version(sys.argv[1])
line = next(l for l in sys.stdin if l.startswith("Available versions:"))
found = sorted(v for v in map(Version, line.split(":", 1)[1].replace(",", " ").split())
               if v > floor and not v.is_prerelease)
print(" ".join(map(str, found[:12])))' "$1"
}

declare -A result
status=0
for fw in "${fws[@]}"; do
  venv="$root/.venv-$mode-$fw$sfx"
  record="$root/requirements/${mode/floor/floors}-$fw$sfx.txt"
  mapfile -t want < <(specs "$fw" "$mode")
  say "$fw ($mode): ${want[*]}"
  rm -rf "$venv"
  "$py" -m venv "$venv"
  vpy="$venv/bin/python"; note=""
  quiet_pip "$vpy" -m pip install -q -r requirements/lock-pip.txt
  if [ "$replay" = 1 ]; then
    [ -f "$record" ] || { say "no $record to replay"; exit 1; }
    quiet_pip "$vpy" -m pip install -q --no-deps -r "$record"
  else
    note=""
    if [ "$mode" = floor ] && ! quiet_pip "$vpy" -m pip install -q --dry-run "${want[@]}" \
         "$pytest_pin" >/dev/null; then
      # The framework's floors need a newer numpy than ours: the lowest release that goes.
      floor="$(printf '%s\n' "${want[@]}" | sed -n 's/^numpy==//p')"
      note="numpy $floor cannot go with these floors"
      for v in $(numpy_after "$floor"); do
        try=("${want[@]/#numpy==$floor/numpy==$v}")
        if quiet_pip "$vpy" -m pip install -q --dry-run "${try[@]}" "$pytest_pin" \
             >/dev/null 2>&1; then
          want=("${try[@]}"); note="$note; the lowest that does is $v"; break
        fi
      done
      say "$fw ($mode): $note"
    fi
    if ! quiet_pip "$vpy" -m pip install -q "${want[@]}" "$pytest_pin"; then
      say "$fw ($mode): pip cannot install ${want[*]} together"
      result[$fw]="install failed: ${want[*]}"; status=1; continue
    fi
  fi
  quiet_pip "$vpy" -m pip install -q "${runner_pins[@]}"  # (with their deps; no framework's)
  PYTHONWARNINGS=ignore quiet_pip "$vpy" -m pip install -q --no-deps -e .
  if [ "$replay" = 0 ]; then
    cap="$("$vpy" -m pip config list 2>/dev/null | grep -i "constraint" | cut -d= -f2- \
           | tr -d "'\"" || true)"
    { echo "# ${D2LRNN_PYTHON:+D2LRNN_PYTHON=$pyver }./dev test-floors$flag $fw: pip freeze of .venv-$mode-$fw$sfx after" \
           "installing (resolved $(date -u +%F), Python $("$vpy" -c 'import platform;
print(platform.python_version(), platform.machine())'))"
      echo "#   ${want[*]} $pytest_pin"
      [ -z "$note" ] || echo "# ($note)"
      [ -z "$cap" ] || echo "# under pip's configured constraint file $cap:" \
                            "$(grep -v '^#' "$cap" | paste -sd' ')"
      echo "# ${D2LRNN_PYTHON:+D2LRNN_PYTHON=$pyver }./dev test-floors$flag $fw --replay installs exactly these (--no-deps)."
      "$vpy" -m pip freeze --exclude-editable; } > "$record"
  fi
  versions="$("$vpy" - "$fw" <<'PY'
import sys, importlib.metadata as m
names = {"torch": ["torch"], "jax": ["jax", "jaxlib", "flax", "optax"],
         "tensorflow": ["tensorflow-cpu", "keras"], "mxnet": ["mxnet", "requests"]}[sys.argv[1]]
print(", ".join(f"{n} {m.version(n)}" for n in names + ["numpy", "matplotlib", "tqdm"]))
PY
)"
  say "$fw ($mode): $versions; testing"
  log="$venv/pytest.log"
  set +e
  D2LRNN_TEST_BACKENDS="$fw" MPLBACKEND=Agg "$vpy" -m pytest -q -k "$fw" \
    "${FILES[@]}" "${pytest_args[@]}" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  result[$fw]="$versions${note:+ ($note)}: $(tail -1 "$log" | tr -d '=' | sed 's/^ *//;s/ *$//')"
  [ "$rc" = 0 ] || status=1
done
echo
echo "d2lrnn test-floors ($mode, Python $pyver, $(date -u +%F)):"
for fw in "${fws[@]}"; do echo "  $fw: ${result[$fw]}"; done
exit $status
