#!/usr/bin/env bash
# The command cdk.json runs. Builds with Maven only when the POM or main sources changed since the last build,
# then starts the app on a prebuilt classpath (no Maven start-up on a warm synth).
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
cp_file=target/app.classpath
if [[ ! -f $cp_file || -n $(find pom.xml src/main -newer "$cp_file" -print -quit) ]]; then
  mvn -q -B -Dstyle.color=never compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >&2
  touch "$cp_file"
fi
# Flags for jsii's node (bench/RESULTS.md has the figures):
# - --liftoff-only: the kernel runs AWS's CloudFormation Validate engine (WebAssembly) inside synth; V8 keeps its
#   baseline code instead of recompiling hot functions with its optimizing compiler: about 0.5 s faster, and the
#   kernel about 150 MiB smaller. JavaScript is compiled as usual.
# - --single-threaded-gc: no garbage-collector helper threads. They took about 2 s of CPU from the JVM on a 2-core
#   machine; synth is about 0.3 s faster.
# Checked once per build (target/jsii-node), so a node without them still works.
node_file=target/jsii-node
if [[ ! -f $node_file || $node_file -ot $cp_file ]]; then
  flags="--liftoff-only --single-threaded-gc"
  # shellcheck disable=SC2086
  if node $flags -e 0 2>/dev/null; then echo "$flags" >"$node_file"; else : >"$node_file"; fi
fi
export JSII_NODE="${JSII_NODE:-node} $(cat "$node_file")"
# a 32 MB young generation: the JVM touches far less memory (about 120 MiB instead of 190) at no cost in time
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmn32m -cp "target/classes:$(cat "$cp_file")" \
  "${V6_MAIN:-dev.v6platform.app.Main}" "$@"
