import { defineStrategy } from '@tradetrace/sdk';
import { z } from 'zod';

/** A strategy module as a bot's repository holds it: the definition whose schema fills in defaults. */
export const momentum = defineStrategy(
  'momentum',
  z.object({ lookback: z.number().int().default(20), stop: z.number().default(0.02) }),
);
