#!/usr/bin/env bash
# The project's test command (README, .ci/run): builds everything with warnings as
# errors, starts throwaway RabbitMQ and PostgreSQL on loopback (installing them with
# apt-get if missing), runs every test layer, stops what it started, and prints the plain
# "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
# shellcheck source=tests/infra.sh
source tests/infra.sh
trap 'infra_stop; rm -rf "$results"' EXIT
infra_start

bash deploy/validate.sh
dotnet build Screening.sln -c Release -warnaserror -nologo -v:q
status=0
dotnet test Screening.sln -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true || status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + t - e))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the runner failed without a test failing (build, crash, no tests)
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
