import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BOT = fileURLToPath(new URL('./collector-gone-bot.ts', import.meta.url));

describe('shutdown() with the collector gone', () => {
  it('leaves no socket or timer behind, so the process exits on its own right after', async () => {
    // execFile resolves only once the child exited by itself (nothing calls process.exit in it).
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=tradetrace-source', BOT], {
      timeout: 120_000,
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { activeAfterShutdown: string[] };
    // The stdout pipe of the child is the one handle a process always has while it writes its report.
    expect(report.activeAfterShutdown.filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap')).toEqual([]);
  });
});
