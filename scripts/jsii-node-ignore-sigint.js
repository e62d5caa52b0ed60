// Loaded into jsii's node processes (scripts/app.sh adds --require to JSII_NODE). Ctrl-C goes to the whole process
// group, and the app, not jsii's node, decides what an interrupt means: these processes ignore it and end when the
// JVM does. A pipe to a JVM that is gone (EPIPE, ECONNRESET) then ends them quietly instead of with an unhandled
// 'error' event and a JavaScript stack trace; any other error is thrown as before.
process.on('SIGINT', () => {});
function quietWhenTheJvmIsGone(error) {
  if (error && (error.code === 'EPIPE' || error.code === 'ECONNRESET')) {
    process.exit(0);
  }
  process.removeListener('uncaughtException', quietWhenTheJvmIsGone);
  throw error;
}
process.on('uncaughtException', quietWhenTheJvmIsGone);
