#!/usr/bin/env bash
# Synth benchmark: prints tables, asserts nothing. Usage:
#   bash bench/synth.sh [--runs N] [--sizes "1 4 16 32"] [--no-peer] [--no-verify] [--user-path-only]
# Measures, on this machine:
#   0. the user's path: a fresh clone of this commit in a new directory, `npm ci`, one `npx cdk synth -q` (which
#      builds), then warm `npx cdk synth -q` alternately with the peer's (its own fresh `npm ci`), N rounds, with
#      nothing of this checkout's caches or environment (default jsii cache, CLI telemetry as shipped), and the
#      machine's CPU model (lscpu) and load;
#   1. `npx cdk synth -q` of the four sample environments: cold (empty jsii package cache, first synth after a build)
#      and warm (median of N), wall time, and in separate runs the peak memory of the whole process tree (CLI + JVM +
#      node);
#   2. the same for the peer (bench/peer: AWS eks-blueprints, four comparable environments, same aws-cdk-lib), as
#      its users run it and with the node flags scripts/app.sh gives jsii's node; then each app with and without
#      aws-cdk-lib's default CloudFormation Validate plugin;
#   3. synth of 1, 4, 16 and 32 generated environments (one JVM each), to show the cost per environment;
#   4. where the time of a 4-environment synth goes (V6_TIMINGS=1);
#   5. `mvn -B verify` wall time.
# It runs `cdk synth` in the project, so cdk.out/ and dist/ are rewritten (as by any synth).
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CDK_DISABLE_CLI_TELEMETRY=1
runs=5 sizes="1 4 16 32" peer=1 verify=1 only_user=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --no-peer) peer=0 ;;
    --no-verify) verify=0 ;;
    --user-path-only) only_user=1 ;;
    *) echo "usage: bash bench/synth.sh [--runs N] [--sizes \"1 4 16 32\"] [--no-peer] [--no-verify]" \
      "[--user-path-only]" >&2; exit 2 ;;
  esac
  shift
done
work=$(mktemp -d "${TMPDIR:-/tmp}/v6-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Runs "$@"; prints its wall seconds. No sampling runs beside it, so the time is not disturbed.
timed() {
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/out.log" 2>&1 || { echo "failed: $*" >&2; tail -20 "$work/out.log" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f\n", e - s}'
}

# Runs "$@" in its own session; prints its peak MiB: the largest sum of the resident memory of every process in the
# session, sampled every 50 ms (the sampling slows the run a little, so its time is not reported).
peak() {
  local peak=0 rss sid
  setsid "$@" >"$work/out.log" 2>&1 &
  sid=$!
  while kill -0 "$sid" 2>/dev/null; do
    rss=$(ps -o rss= --sid "$sid" 2>/dev/null | awk '{s+=$1} END {print s+0}')
    [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 0.05
  done
  wait "$sid" || { echo "failed: $*" >&2; tail -20 "$work/out.log" >&2; exit 1; }
  echo $((peak / 1024))
}

# The environment files of a stacks directory, sorted: every *.yaml but the network file and the lock.
environment_files() {
  find "$1" -maxdepth 1 -name '*.yaml' ! -name network.yaml ! -name address-plan.lock.yaml | sort
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "# v6-platform synth benchmark"
echo
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$(java -version 2>&1 | head -1), node $(node --version), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo

# Runs "$@" (a function of this script too) with the environment a user has: the CLI's telemetry setting as shipped,
# jsii's default package cache, no silenced banner beyond what scripts/app.sh sets.
as_user() {
  (unset CDK_DISABLE_CLI_TELEMETRY JSII_RUNTIME_PACKAGE_CACHE_ROOT JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION; "$@")
}

# 0. The user's path, alternating with the peer. The clone is of this commit (uncommitted changes are not measured).
# Each round times four synths, one after the other: v6-platform with its inputs unchanged (every environment comes
# from the synth cache), with one environment edited (a comment in the first environment file changes each round,
# which changes the bytes the cache keys on: that environment is synthesized, the others come from the cache), with
# the cache off (V6_SYNTH_CACHE=off: every environment is synthesized, as on a first synth or after a code change),
# then the peer.
user_path() {
  local clone="$work/user" r v e n p vs=() es=() ns=() ps=()
  git clone -q "$PWD" "$clone"
  (cd "$clone" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  (cd "$clone/bench/peer" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  # the first synth builds (Maven) and warms every cache, as a new user's first `cdk synth` does
  (cd "$clone" && as_user timed npx cdk synth -q) >/dev/null
  (cd "$clone/bench/peer" && as_user timed npx cdk synth -q) >/dev/null
  # the edited environment: the first environment file of stacks/ (whatever environments it holds)
  local edited
  edited=$(environment_files "$clone/stacks" | head -1)
  cp "$edited" "$work/edited.yaml.orig"
  echo "## The user's path: fresh clone, npm ci, then warm \`npx cdk synth -q\`, alternating with the peer"
  echo
  echo "| round | v6-platform, unchanged s | one environment edited s | cache off s | peer s | load before |"
  echo "|---:|---:|---:|---:|---:|---:|"
  for ((r = 1; r <= runs; r++)); do
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    v=$(cd "$clone" && as_user timed npx cdk synth -q)
    # a changed comment changes the file's bytes, which the synth cache keys on: the environment is built again
    { cat "$work/edited.yaml.orig"; echo "# bench round $r"; } >"$edited"
    e=$(cd "$clone" && as_user timed npx cdk synth -q)
    cp "$work/edited.yaml.orig" "$edited"
    n=$(cd "$clone" && V6_SYNTH_CACHE=off as_user timed npx cdk synth -q)
    p=$(cd "$clone/bench/peer" && as_user timed npx cdk synth -q)
    vs+=("$v") es+=("$e") ns+=("$n") ps+=("$p")
    printf '| %d | %s | %s | %s | %s | %s |\n' "$r" "$v" "$e" "$n" "$p" "$load"
  done
  v=$(printf '%s\n' "${vs[@]}" | median) e=$(printf '%s\n' "${es[@]}" | median)
  n=$(printf '%s\n' "${ns[@]}" | median) p=$(printf '%s\n' "${ps[@]}" | median)
  printf '| median | **%s** | **%s** | **%s** | **%s** | |\n' "$v" "$e" "$n" "$p"
  printf '| ratio to the peer | %.2fx | %.2fx | %.2fx | 1x | |\n' "$(awk -v a="$v" -v b="$p" 'BEGIN {print a / b}')" \
    "$(awk -v a="$e" -v b="$p" 'BEGIN {print a / b}')" "$(awk -v a="$n" -v b="$p" 'BEGIN {print a / b}')"
  echo
  echo "Peak memory of each whole process tree (one more run each): v6-platform unchanged $(cd "$clone" && \
    as_user peak npx cdk synth -q) MiB, cache off $(cd "$clone" && V6_SYNTH_CACHE=off as_user peak npx cdk synth \
    -q) MiB, peer $(cd "$clone/bench/peer" && as_user peak npx cdk synth -q) MiB."
  echo
  rm -rf "$clone"
}
user_path
[ "$only_user" = 1 ] && exit 0
bash scripts/app.sh --help >/dev/null   # a current build and classpath: `cdk synth` starts no Maven
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)," \
  "$(java -version 2>&1 | head -1), node $(node --version), $(date -u +%Y-%m-%d); jsii's node flags:" \
  "$(sed -n 2p target/jsii-node)"
echo

npm ci --no-audit --no-fund --loglevel=error >/dev/null

synth_table() {   # $1 label, $2 directory, then extra `cdk synth` arguments
  local label=$1 dir=$2 cold cold_peak warm warm_peak walls=() r
  shift 2
  export JSII_RUNTIME_PACKAGE_CACHE_ROOT="$work/jsii-cache-$label"
  # cold: an empty jsii package cache, no previous assembly and no class-data archive, as on a first synth after a
  # build (that synth also records the archive)
  rm -rf "$JSII_RUNTIME_PACKAGE_CACHE_ROOT" "$dir/cdk.out" "$dir"/target/app/synth-* "$dir/target/synth-cache"
  cold=$(cd "$dir" && timed npx cdk synth -q "$@")
  rm -rf "$JSII_RUNTIME_PACKAGE_CACHE_ROOT" "$dir/cdk.out" "$dir"/target/app/synth-* "$dir/target/synth-cache"
  cold_peak=$(cd "$dir" && peak npx cdk synth -q "$@")
  for ((r = 0; r < runs; r++)); do
    walls+=("$(cd "$dir" && timed npx cdk synth -q "$@")")
  done
  unset JSII_RUNTIME_PACKAGE_CACHE_ROOT
  warm=$(printf '%s\n' "${walls[@]}" | median)
  warm_peak=$(cd "$dir" && peak npx cdk synth -q "$@")
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$cold" "$cold_peak" "$warm" "$warm_peak"
}

echo "## cdk synth -q, four environments (warm: median of $runs)"
echo
echo "| app | cold s | cold peak MiB | warm s | warm peak MiB |"
echo "|---|---:|---:|---:|---:|"
synth_table "v6-platform, unchanged inputs (synth cache)" .
V6_SYNTH_CACHE=off synth_table "v6-platform, cache off" .
if [ "$peer" = 1 ]; then
  (cd bench/peer && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  synth_table peer bench/peer
  # the node flags scripts/app.sh gives jsii's node, given to the peer's node too
  flags=$(sed -n 2p target/jsii-node)
  synth_table "peer, node $flags" bench/peer --app "node $flags app.js"
fi
echo

if [ "$peer" = 1 ]; then
  echo "## Validation's share (each app run directly, median of 3 warm runs, s)"
  echo
  echo "CDK_VALIDATION=false turns off aws-cdk-lib's default CloudFormation Validate plugin; cdk-nag and the platform"
  echo "rules, which v6-platform registers itself, still run."
  echo
  echo "| app | validated | CDK_VALIDATION=false |"
  echo "|---|---:|---:|"
  for app in v6-platform peer; do
    if [ "$app" = peer ]; then cmd=(env CDK_OUTDIR="$work/peer-out" node app.js); dir=bench/peer
    else cmd=(env V6_SYNTH_CACHE=off bash scripts/app.sh); dir=.; fi
    on=() off=()
    for ((r = 0; r < 3; r++)); do
      on+=("$(cd "$dir" && timed "${cmd[@]}")")
      off+=("$(cd "$dir" && CDK_VALIDATION=false timed "${cmd[@]}")")
    done
    printf '| %s | %s | %s |\n' "$app" "$(printf '%s\n' "${on[@]}" | median)" "$(printf '%s\n' "${off[@]}" | median)"
  done
  echo
fi

echo "## Cost per environment (one JVM, scripts/app.sh, warm)"
echo
echo "Cache off: every environment synthesized; unchanged: every environment from the synth cache. \"s per added"
echo "environment\" is the difference to the row above, divided by the environments added."
echo
echo "| environments | cache off s | peak MiB | s per added environment | unchanged s | s per added environment |"
echo "|---:|---:|---:|---:|---:|---:|"
prev_n=0 prev_wall=0 prev_cached=0
mapfile -t samples < <(environment_files stacks | xargs -n1 basename | sed 's/\.yaml$//')
for n in $sizes; do
  stacks="$work/stacks-$n"
  mkdir -p "$stacks"
  cp stacks/network.yaml stacks/address-plan.lock.yaml stacks/schema.json "$stacks/"
  for ((i = 0; i < n; i++)); do
    base=${samples[i % ${#samples[@]}]}
    name=$base; [ "$i" -ge "${#samples[@]}" ] && name="$base-$i"
    sed "s/^name: $base\$/name: $name/" "stacks/$base.yaml" >"$stacks/$name.yaml"
  done
  app=(bash scripts/app.sh --stacks "$stacks" --out "$work/out-$n/cdk.out" --dist "$work/out-$n/dist")
  V6_SYNTH_CACHE=off "${app[@]}" >/dev/null 2>&1
  wall=$(V6_SYNTH_CACHE=off timed "${app[@]}")
  app_peak=$(V6_SYNTH_CACHE=off peak "${app[@]}")
  "${app[@]}" >/dev/null 2>&1   # fills the cache
  cached=$(timed "${app[@]}")
  if [ "$prev_n" = 0 ]; then
    printf '| %d | %s | %s | | %s | |\n' "$n" "$wall" "$app_peak" "$cached"
  else
    printf '| %d | %s | %s | %.2f | %s | %.3f |\n' "$n" "$wall" "$app_peak" \
      "$(awk -v w="$wall" -v p="$prev_wall" -v n="$n" -v m="$prev_n" 'BEGIN {print (w - p) / (n - m)}')" "$cached" \
      "$(awk -v w="$cached" -v p="$prev_cached" -v n="$n" -v m="$prev_n" 'BEGIN {print (w - p) / (n - m)}')"
  fi
  prev_n=$n prev_wall=$wall prev_cached=$cached
  rm -rf "$work/out-$n"
done
echo

echo "## Where the time goes (four environments, cache off, ms, one warm run)"
echo
export V6_SYNTH_CACHE=off
bash scripts/app.sh --out "$work/t/cdk.out" --dist "$work/t/dist" >/dev/null 2>&1   # warm: a previous assembly
V6_TIMINGS=1 bash scripts/app.sh --out "$work/t/cdk.out" --dist "$work/t/dist" 2>&1 >/dev/null \
  | sed -n 's/^v6-platform: timings (ms): //p' | tr ' ' '\n' \
  | awk -F= 'BEGIN {print "| phase | ms |"; print "|---|---:|"} {printf "| %s | %s |\n", $1, $2}'
echo
echo "validate_* run inside cdk_synth_and_validation. AWS's CloudFormation Validate engine, also inside it, measured"
echo "alone on the same templates, with the same node flags (bench/cfn-validate-cost.js):"
echo
# shellcheck disable=SC2046
node $(sed -n 2p target/jsii-node) bench/cfn-validate-cost.js "$work/t/cdk.out" | awk 'BEGIN {print "| CloudFormation Validate | ms |"; print "|---|---:|"} {printf "| %s | %s |\n", $1, $2}'
echo

if [ "$verify" = 1 ]; then
  echo "## mvn -B verify"
  echo
  start=$(date +%s)
  mvn -B verify >"$work/verify.log" 2>&1 || { tail -30 "$work/verify.log"; exit 1; }
  echo "wall: $(( $(date +%s) - start )) s ($(grep -oE 'Tests run: [0-9]+, Failures: 0, Errors: 0, Skipped: [0-9]+$' "$work/verify.log" | head -1), then the bounded fuzzing run)"
fi
