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
# a 32 MB young generation: the JVM touches far less memory (about 120 MiB instead of 190) at no cost in time
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmn32m -cp "target/classes:$(cat "$cp_file")" \
  "${V6_MAIN:-dev.v6platform.app.Main}" "$@"
