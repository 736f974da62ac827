#!/usr/bin/env bash
# Runs the notebook the CLI exports as a grader would: in a fresh virtual
# environment holding only the notebook's own pinned requirements (read from
# its metadata.scalewise.requirements) plus nbclient and ipykernel, with the
# network off. Two reviews: the example (the single node wins) and the
# example at 5·10⁹ events per run, past the single node's binding crossing
# (it misses the deadline; the cluster wins). Then tampered copies, which must
# fail naming what was altered: a number the scoring re-derives and a
# projection term (each named by its field), a stage cost of the calibration
# (named as the input of the term it sets), and a number the notebook does
# not re-derive (named by its section, through the digest).
#
# Called by scripts/test.sh after the native tests; `make test` runs it.
# Needs python3 ≥ 3.10 with venv, a package index reachable by pip (for the
# venv), and `unshare` with `ip` (the network namespace; as root, or with
# unprivileged user namespaces).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cli="$root/target/release/scalewise"
calibration="$root/core/tests/fixtures/calibration.json"
# The runner's own packages, pinned like the notebook's (versions checked to
# install together with them).
runner=(nbclient==0.11.0 ipykernel==7.4.0)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$SECONDS
phase() { echo "notebook-check: $* ($((SECONDS - started)) s)"; }

cargo build --quiet --release -p scalewise-cli
"$cli" example > "$work/example.json"
python3 - "$work/example.json" "$work/tight.json" <<'PY'
import json, sys
review = json.load(open(sys.argv[1], encoding="utf-8"))
review["title"] = "Example at 5e9 events per run"
review["workload"]["events"] = 5_000_000_000
json.dump(review, open(sys.argv[2], "w", encoding="utf-8"), indent=2)
PY
for name in example tight; do
  "$cli" run "$work/$name.json" --calibration "$calibration" -o "$work/$name.result.json" 2> /dev/null
  "$cli" export "$work/$name.result.json" --out "$work/$name" --date 2026-01-01 > /dev/null
  cp "$work/$name"/*.ipynb "$work/$name.ipynb"
done
phase "exported two notebooks"

requirements="$(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1], encoding="utf-8"))["metadata"]["scalewise"]["requirements"]))' "$work/example.ipynb")"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check $requirements "${runner[@]}"
phase "fresh venv with $requirements ${runner[*]}"

if [ "$(id -u)" = 0 ]; then isolate=(unshare -n); else isolate=(unshare -rn); fi
# Executes NOTEBOOK with the network off (only loopback, which the kernel's
# own sockets need); prints the first failing cell's error and exits 1 on
# failure.
offline_run() {
  "${isolate[@]}" sh -c 'ip link set lo up && exec "$@"' sh "$work/venv/bin/python" - "$1" <<'PY'
import socket, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

try:
    socket.create_connection(("192.0.2.1", 80), timeout=2)
    sys.exit("the network is reachable: not an offline run")
except OSError:
    pass
nb = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(nb, kernel_name="python3", timeout=600).execute()
except CellExecutionError as error:
    print(f"FAILED: {error.ename}: {error.evalue}")
    sys.exit(1)
images = sum("image/png" in output.get("data", {}) for cell in nb.cells for output in cell.get("outputs", []))
if images < 4:
    sys.exit(f"{images} charts drawn, expected 4")
print(f"ran {sum(cell.cell_type == 'code' for cell in nb.cells)} code cells, drew {images} charts")
PY
}

for name in example tight; do
  offline_run "$work/$name.ipynb"
  phase "$name: executed offline"
done
python3 - "$work/tight.result.json" <<'PY'
import json, sys
scoring = json.load(open(sys.argv[1], encoding="utf-8"))["scoring"]
assert scoring["winner"] == "partitioned_cached_cluster", scoring["winner"]
assert scoring["feasibility"][0]["misses"] == ["deadline"], scoring["feasibility"]
PY

# Tampered copies: the embedded result is edited as a person would, the
# digest left as it was.
tamper() {
  python3 - "$work/example.ipynb" "$2" "$1" <<'PY'
import json, sys
source, target, what = sys.argv[1:4]
nb = json.load(open(source, encoding="utf-8"))
cell = next(c for c in nb["cells"] if c.get("id") == "evidence")
text = "".join(cell["source"])
start, end = text.index("r'''") + 4, text.rindex("'''")
doc = json.loads(text[start:end])
if what == "derived":
    doc["projections"][1]["cost_per_run_usd"] *= 1.5
elif what == "term":
    next(t for t in doc["projections"][1]["terms"] if t["term"] == "compute.payload")["seconds"] *= 1.01
elif what == "calibration":
    doc["calibration"]["stage_cost_s_per_event"]["decode"]["median"] *= 1.01
else:
    doc["profile"]["quality"]["nulls"] += 1
embedded = "\n" + json.dumps(doc, indent=2, ensure_ascii=False).replace("'", "\\u0027") + "\n"
text = text[:start] + embedded + text[end:]
cell["source"] = text.splitlines(keepends=True)
json.dump(nb, open(target, "w", encoding="utf-8"), indent=1, ensure_ascii=False)
PY
}
expect_failure() {
  local output
  if output="$(offline_run "$1")"; then
    echo "notebook-check: the tampered notebook $1 ran through" >&2
    exit 1
  fi
  echo "$output"
  local name
  for name in "${@:2}"; do
    if ! grep -qF -- "$name" <<< "$output"; then
      echo "notebook-check: its failure does not name $name" >&2
      exit 1
    fi
  done
}
tamper derived "$work/tampered-derived.ipynb"
expect_failure "$work/tampered-derived.ipynb" "projections[1].cost_per_run_usd"
tamper term "$work/tampered-term.ipynb"
expect_failure "$work/tampered-term.ipynb" "projections[1].terms[compute.payload].seconds"
tamper calibration "$work/tampered-calibration.ipynb"
expect_failure "$work/tampered-calibration.ipynb" \
  "projections[0].terms[compute.decode].seconds: the result records" "from calibration.stage_cost_s_per_event.decode"
tamper other "$work/tampered-other.ipynb"
expect_failure "$work/tampered-other.ipynb" "changed since export: profile"
phase "the tampered copies fail, naming what changed"
