#!/usr/bin/env bash
# Address planner benchmark: plans 1k to 100k subnets into 10.0.0.0/8 (with reserved and in-use holes), each size
# in a fresh JVM, and prints wall time of the plan (first plan, and a re-plan on the resulting lock) and the JVM's
# peak memory (max RSS from /usr/bin/time -v). Usage: bash bench/plan.sh [SIZES...]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >&2
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 3000 10000 30000 100000)
printf '%-9s %-13s %-10s %-18s %-14s\n' subnets environments plan_ms replan_on_lock_ms peak_rss_MiB
for n in "${sizes[@]}"; do
  out=$(/usr/bin/time -v java -XX:+UseSerialGC -cp "$cp" dev.v6platform.bench.PlannerBenchmark "$n" 2>/tmp/plan-bench.time)
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' /tmp/plan-bench.time)
  get() { sed -E "s/(^|.* )$1=([^ ]+).*/\2/" <<<"$out"; }
  printf '%-9s %-13s %-10s %-18s %-14s\n' "$(get subnets)" "$(get environments)" "$(get plan_ms)" \
    "$(get replan_on_lock_ms)" "$((rss / 1024))"
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
