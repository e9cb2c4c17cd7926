#!/usr/bin/env node
// The `tradetrace` command. Installed from a tarball or the registry it runs the compiled build. In a checkout of the
// repository (src/ beside build/) it runs the TypeScript sources under the `tradetrace-source` export condition, which
// points every @tradetrace package at its src/, so `npx tradetrace` needs no build there and never runs a stale one.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const sources = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
if (existsSync(sources)) {
  // A child process rather than a module hook: export conditions must reach the backtest's worker threads too.
  const child = spawn(
    process.execPath,
    [...process.execArgv, '--conditions=tradetrace-source', sources, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // Ctrl-C reaches the child from the terminal itself (same process group); forwarding it would be a second SIGINT.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
  });
} else {
  await import('../build/bin.js');
}
