#!/usr/bin/env bash
# The command cdk.json runs. Builds with Maven only when the POM or main sources changed since the last build,
# then starts the app on a prebuilt classpath (no Maven start-up on a warm synth).
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
# environments whose inputs did not change since a successful synth come from here (V6_SYNTH_CACHE=off: none)
export V6_SYNTH_CACHE="${V6_SYNTH_CACHE:-target/synth-cache}"
cp_file=target/app.classpath
app_jar=target/app/v6-platform-app.jar
if [[ ! -f $cp_file || -n $(find pom.xml src/main -newer "$cp_file" -print -quit) ]]; then
  mvn -q -B -Dstyle.color=never compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >&2
  # the app's classes as a jar: class-data sharing (below) archives classes from jars only
  rm -rf target/app && mkdir -p target/app
  if command -v jar >/dev/null; then jar --create --file "$app_jar" -C target/classes .; fi
  touch "$cp_file"
fi
# Flags for jsii's node (bench/RESULTS.md has the figures):
# - --liftoff-only: the kernel runs AWS's CloudFormation Validate engine (WebAssembly) inside synth; V8 keeps its
#   baseline code instead of recompiling hot functions with its optimizing compiler: about 0.5 s faster, and the
#   kernel about 150 MiB smaller. JavaScript is compiled as usual.
# - --single-threaded-gc: no garbage-collector helper threads. They took about 2 s of CPU from the JVM on a 2-core
#   machine; synth is about 0.3 s faster.
# - --require scripts/jsii-node-ignore-sigint.js: Ctrl-C reaches every process of the group; jsii's node processes
#   ignore it and end when the JVM does, so an interrupted synth prints one line, not a JavaScript stack trace.
# Checked once per build and per JSII_NODE (target/jsii-node: the node, then its flags), so a node without them
# still works.
node_file=target/jsii-node
node_base=${JSII_NODE:-node}
if [[ ! -f $node_file || $node_file -ot $cp_file || $(head -1 "$node_file") != "$node_base" ]]; then
  flags="--liftoff-only --single-threaded-gc"
  # shellcheck disable=SC2086
  if $node_base $flags -e 0 2>/dev/null; then printf '%s\n%s\n' "$node_base" "$flags" >"$node_file"
  else printf '%s\n\n' "$node_base" >"$node_file"; fi
fi
# the --require path is this checkout's, added on every start (a moved checkout keeps working)
export JSII_NODE="$node_base $(sed -n 2p "$node_file") --require $PWD/scripts/jsii-node-ignore-sigint.js"
# a 32 MB young generation: the JVM touches far less memory (about 120 MiB instead of 190) at no cost in time
jvm=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmn32m -Xlog:cds*=off)
main=${V6_MAIN:-dev.v6platform.app.Main}
if [[ ! -f $app_jar ]]; then
  exec "${jvm[@]}" -cp "target/classes:$(cat "$cp_file")" "$main" "$@"
fi
classpath="$app_jar:$(cat "$cp_file")"
# Class-data sharing: the first successful synth after a build records the classes it loaded (about 2,900: the CDK's,
# jsii's, Jackson's, ours), and later synths map them instead of loading them: about 0.2 s faster (bench/RESULTS.md).
# The archive is named after the JDK (its java binary's inode and change time), so another or an upgraded JDK records
# its own. The JVM always replaces this script (exec), so signals reach it: a recording (synth-<jdk>.<pid>.recording)
# becomes the archive at the next start, and only if its synth left the success marker (<pid>.ok); --help and the
# refresh step record nothing.
if [[ $main != dev.v6platform.app.Main || " $* " == *" --help "* || " $* " == *" -h "* ]]; then
  exec "${jvm[@]}" -cp "$classpath" "$main" "$@"
fi
key="target/app/synth-$(stat -c '%i-%Z' "$(readlink -f "$(command -v java)")")"
for recording in target/app/synth-*.recording; do
  [[ -e $recording ]] || continue
  base=${recording%.recording}
  pid=${base##*.}
  if kill -0 "$pid" 2>/dev/null; then continue; fi   # still recording
  if [[ -f $base.ok ]]; then mv -f "$recording" "${base%.*}.jsa"; else rm -f "$recording"; fi
  rm -f "$base.ok"
done
if [[ -f $key.jsa ]]; then
  exec "${jvm[@]}" -XX:SharedArchiveFile="$key.jsa" -cp "$classpath" "$main" "$@"
fi
exec "${jvm[@]}" -XX:ArchiveClassesAtExit="$key.$$.recording" -Dv6.success.marker="$key.$$.ok" -cp "$classpath" \
  "$main" "$@"
