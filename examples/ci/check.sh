#!/usr/bin/env bash
# CI gate for a hardtick loop: run it, check it against the committed baseline, publish
# JUnit XML (for the CI server's test report) and Markdown (for the job summary), plus the
# HTML report and a Chrome trace as artifacts.
#
#   examples/ci/check.sh                    # run, check, write $HARDTICK_OUT/*
#   examples/ci/check.sh --update-baseline  # run, then make this run the new baseline
#
# Environment (all optional):
#   HARDTICK_CONFIG    the loop's config           (default: examples/demo/hardtick.json)
#   HARDTICK_DURATION  how long to run it          (default: 10s)
#   HARDTICK_OUT       where the evidence goes     (default: ./hardtick-ci)
#   HARDTICK           the hardtick command        (default: node <repo>/dist/cli/main.js)
#   GITHUB_STEP_SUMMARY  set by GitHub Actions: the Markdown summary is appended there
#
# Exit status: that of `hardtick check` (0 pass, 1 a rule failed, 2 bad input); 2 when the
# run itself could not start.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
config=${HARDTICK_CONFIG:-$root/examples/demo/hardtick.json}
duration=${HARDTICK_DURATION:-10s}
out=${HARDTICK_OUT:-$PWD/hardtick-ci}
read -r -a hardtick <<< "${HARDTICK:-node $root/dist/cli/main.js}"
baseline=$here/baseline.json
rules=$here/rules.json

mkdir -p "$out"
echo "== run $config for $duration"
# Exit 1 means alarms the config marks fatal: still a report to check, so go on.
"${hardtick[@]}" run "$config" --duration "$duration" --trace 500 --quiet --report "$out/run.json" > "$out/run.log" 2>&1
run_status=$?
tail -n 20 "$out/run.log"
if [ "$run_status" -ge 2 ] || [ ! -f "$out/run.json" ]; then
  echo "hardtick run failed (exit $run_status); see $out/run.log" >&2
  exit 2
fi

if [ "${1:-}" = "--update-baseline" ]; then
  # Keep the baseline small: the figures and the environment, not the raw trace or samples.
  node -e '
    const fs = require("fs");
    const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    delete r.trace; delete r.traceOverruns;
    for (const t of r.tasks) delete t.execSamples;
    const text = JSON.stringify(r, null, 2).replace(/\[\s+([-\d.e+]+),\s+([-\d.e+]+),\s+([-\d.e+]+)\s+\]/g, "[$1, $2, $3]");
    fs.writeFileSync(process.argv[2], text + "\n");
  ' "$out/run.json" "$baseline"
  echo "baseline updated: $baseline"
  exit 0
fi

echo "== check against $baseline"
"${hardtick[@]}" check "$out/run.json" --baseline "$baseline" --rules "$rules" --format junit -o "$out/junit.xml"
status=$?
"${hardtick[@]}" check "$out/run.json" --baseline "$baseline" --rules "$rules" --format md -o "$out/summary.md" 2> /dev/null
"${hardtick[@]}" report "$out/run.json" --format html -o "$out/report.html"
"${hardtick[@]}" report "$out/run.json" --format trace -o "$out/trace.json"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
echo "evidence in $out: junit.xml summary.md report.html trace.json run.json"
exit "$status"
