import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../src/paper-broker.ts';

const fills = { feeRate: 0.001, slippageRate: 0.01 };

describe('PaperBroker', () => {
  describe('.apply', () => {
    it('opens a long with slippage and closes it on the opposite signal, net of both fees', () => {
      const broker = new PaperBroker('t', fills);
      const { opened } = broker.apply('buy', 100, 0, 1000, 'd1');
      expect(opened).toMatchObject({ side: 'long', entryPrice: 101, decisionId: 'd1' });
      expect(opened!.amount).toBeCloseTo(1000 / 101, 12);
      const { closed, opened: flipped } = broker.apply('sell', 110, 60_000, 1000, 'd2');
      const exit = 110 * 0.99;
      const amount = 1000 / 101;
      const expectedPnl = (exit - 101) * amount - 101 * amount * 0.001 - exit * amount * 0.001;
      expect(closed).toMatchObject({ side: 'long', decisionId: 'd1', exitReason: 'signal' });
      expect(closed!.exitPrice).toBeCloseTo(exit, 12);
      expect(closed!.realizedPnl).toBeCloseTo(expectedPnl, 10);
      expect(closed!.realizedReturn).toBeCloseTo(expectedPnl / 1000, 10);
      expect(flipped).toMatchObject({ side: 'short', decisionId: 'd2' });
    });

    it('keeps the position on a repeated signal and on hold', () => {
      const broker = new PaperBroker('t', fills);
      broker.apply('sell', 100, 0, 1000, 'd1');
      expect(broker.apply('sell', 90, 1, 1000, 'd2')).toEqual({});
      expect(broker.apply('hold', 90, 2, 1000, 'd3')).toEqual({});
      expect(broker.open?.decisionId).toBe('d1');
    });
  });

  describe('.checkExits', () => {
    it('closes a short at its stop-loss and a long at its take-profit', () => {
      const short = new PaperBroker('s', { feeRate: 0, slippageRate: 0 });
      short.apply('sell', 100, 0, 1000, 'd1');
      expect(short.checkExits(101, 1, 0.02, 0.05)).toBeUndefined();
      expect(short.checkExits(102.5, 2, 0.02, 0.05)).toMatchObject({ exitReason: 'stop_loss', realizedReturn: -0.025 });
      const long = new PaperBroker('l', { feeRate: 0, slippageRate: 0 });
      long.apply('buy', 100, 0, 1000, 'd1');
      expect(long.checkExits(106, 1, 0.02, 0.05)).toMatchObject({ exitReason: 'take_profit', side: 'long' });
      expect(long.open).toBeUndefined();
    });
  });
});
