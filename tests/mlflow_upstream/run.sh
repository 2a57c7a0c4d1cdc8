#!/usr/bin/env bash
# Run MLflow's own REST test files against jupyter-mlops' MLflow facade; record the counts.
#
#   tests/mlflow_upstream/run.sh [MLFLOW_TESTS_DIR] [pytest args...]
#
# MLFLOW_TESTS_DIR (default /tmp/mlflow-tests) is a folder holding MLflow's `tests/` tree
# (from a checkout of MLflow or a maintained fork at a version near the installed client's;
# this script fetches nothing). Its conftest.py is replaced by facade_conftest.py, which points
# MLflow's `ServerThread` at a fresh `jupyter server` per test. Default files: the REST
# tracking and model registry tests. Results: <dir>/results/<file>.txt (pytest -rfE output)
# and a summary line per file in <dir>/results/summary.txt.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dir="${1:-/tmp/mlflow-tests}"
shift || true
python="${PYTHON:-$repo/.venv/bin/python}"
if [ ! -d "$dir/tests/tracking" ]; then
  echo "no MLflow tests/ tree in $dir (copy MLflow's tests/ folder there first)" >&2
  exit 2
fi
cp "$here/facade_conftest.py" "$dir/conftest.py"
ln -sfn "$repo/tests/support" "$dir/mlops_support"
mkdir -p "$dir/results"
files=("tests/tracking/test_rest_tracking.py" "tests/tracking/test_model_registry.py")
[ -n "${MLFLOW_TEST_FILES:-}" ] && read -r -a files <<< "$MLFLOW_TEST_FILES"
cd "$dir"
: > results/summary.txt
for file in "${files[@]}"; do
  out="results/$(basename "$file" .py).txt"
  MLFLOW_HTTP_REQUEST_MAX_RETRIES=0 MLFLOW_HTTP_REQUEST_TIMEOUT=60 \
    "$python" -m pytest -p no:cacheprovider -q -rfE "$file" "$@" > "$out" 2>&1
  echo "$file: $(tail -n 1 "$out")" | tee -a results/summary.txt
done
