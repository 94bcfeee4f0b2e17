#!/usr/bin/env -S node --max-semi-space-size=2 --max-old-space-size=512 --liftoff-only
// agentdeck's executable: checks the Node version, then runs the bundled CLI.
// The V8 flags keep the dashboard's memory bounded under a high event rate: with the default
// young generation and a heap limit sized to the machine, garbage from the event stream piles
// up (about 290 MB RSS after 1,000,000 events against about 110 MB with these flags; the live
// heap is about 25 MB either way). npm start runs this file directly, so the flags apply there too.
// --liftoff-only keeps WebAssembly (the SQL parser, and PGlite where it is the fallback) on V8's
// baseline compiler. Its optimizing tier recompiles the parser's one huge function in the
// background: about 550 MB of peak memory and 2 s of CPU that every command using the parser
// waited for at exit, for a parser that is as fast on the baseline code for migration-sized SQL.
// V8 reads the flag when it starts: it cannot be set from here at run time.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `agentdeck needs Node.js 22.12 or newer (this is ${process.version}). ` +
      'Inside this repository use "npm start" (it runs the Node 24 pinned in devDependencies).\n',
  );
  process.exit(1);
}
// A reader that goes away (`agentdeck run status | head -1`) is not an error. Neither is a
// terminal that closes under the dashboard: reads, writes and raw-mode changes then fail with EIO,
// and rethrowing would loop through the crash handler's own write to that terminal. It is a
// hangup: SIGHUP ends the dashboard the usual way (state saved), once, and output is dropped.
let hungUp = false;
for (const stream of [process.stdout, process.stderr, process.stdin]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE' && stream !== process.stdin) process.exit(process.exitCode ?? 0);
    if (error && error.code === 'EIO') {
      if (!hungUp) process.kill(process.pid, 'SIGHUP');
      hungUp = true;
      return;
    }
    throw error;
  });
}
// V8's compile cache (Node >= 22.1) keeps the bundle's bytecode on disk between runs: start-up,
// and so the dashboard's first frame, skips most of parsing and compiling.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('agentdeck is not built yet: run "npm run build" (npm start builds it for you).\n');
    process.exit(1);
  }
  throw error;
}
if (typeof cli.main === 'function') process.exitCode = await cli.main(process.argv.slice(2));
