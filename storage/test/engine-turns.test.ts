import { describe, expect, it } from 'vitest';
import { EngineTurns } from '../src/engine-turns.ts';

/** A call that runs until `finish` is called, recording when it starts. */
function heldCall(name: string, started: string[]) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = () => resolve(name);
    fail = reject;
  });
  return {
    call: () => {
      started.push(name);
      return done;
    },
    finish: () => finish(),
    fail: (error: Error) => fail(error),
  };
}

/** Lets every settled promise run its continuations. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('EngineTurns', () => {
  describe('.run', () => {
    it('runs one call at a time, and a waiting insert before reads that waited longer', async () => {
      const turns = new EngineTurns();
      const started: string[] = [];
      const [longRead, read1, read2, insert] = ['long read', 'read 1', 'read 2', 'insert'].map((name) =>
        heldCall(name, started),
      );
      const results = [
        turns.run('read', longRead!.call),
        turns.run('read', read1!.call),
        turns.run('read', read2!.call),
        turns.run('insert', insert!.call),
      ];
      await settle();
      expect(started).toEqual(['long read']);
      longRead!.finish();
      await settle();
      expect(started).toEqual(['long read', 'insert']);
      insert!.finish();
      await settle();
      expect(started).toEqual(['long read', 'insert', 'read 1']);
      read1!.finish();
      await settle();
      read2!.finish();
      expect(await Promise.all(results)).toEqual(['long read', 'read 1', 'read 2', 'insert']);
      expect(started).toEqual(['long read', 'insert', 'read 1', 'read 2']);
    });

    it('hands the engine on after a call that fails, and reports that call its own error', async () => {
      const turns = new EngineTurns();
      const started: string[] = [];
      const [failing, next] = ['failing', 'next'].map((name) => heldCall(name, started));
      const failed = turns.run('read', failing!.call);
      const after = turns.run('insert', next!.call);
      failing!.fail(new Error('engine refused'));
      await expect(failed).rejects.toThrow('engine refused');
      await settle();
      expect(started).toEqual(['failing', 'next']);
      next!.finish();
      expect(await after).toBe('next');
    });

    it('runs a call at once when the engine is free again', async () => {
      const turns = new EngineTurns();
      expect(await turns.run('read', async () => 1)).toBe(1);
      const started: string[] = [];
      const call = heldCall('alone', started);
      const result = turns.run('insert', call.call);
      expect(started).toEqual(['alone']);
      call.finish();
      expect(await result).toBe('alone');
    });
  });
});
