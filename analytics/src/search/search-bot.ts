import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalyticsError } from '../analytics-error.ts';
import type { BacktestBot } from '../backtest/backtest-bot.ts';
import type { SpacePoint } from './search-space.ts';

/** A point of the space as the strategy validated it: its full config and content-hash version. */
export interface Candidate {
  point: SpacePoint;
  config: unknown;
  version: string;
}

/** The bot module's default export, checked to be a backtest bot (the workers import the same module). */
export async function loadSearchBot(botModule: string): Promise<BacktestBot> {
  let module: { default?: BacktestBot };
  try {
    module = await import(pathToFileURL(resolve(botModule)).href);
  } catch (error) {
    throw new AnalyticsError(
      'TT_ANALYTICS_BAD_INPUT',
      `cannot import the bot module ${botModule}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const bot = module.default;
  if (!bot || typeof bot.decide !== 'function' || typeof bot.strategy?.version !== 'function')
    throw new AnalyticsError(
      'TT_ANALYTICS_BAD_INPUT',
      `${botModule} must default-export a backtest bot ({ strategy, decide })`,
    );
  return bot;
}

/** The strategy's own validation of a candidate, its failure named field by field. */
export function validateCandidate(bot: BacktestBot, config: unknown, point: SpacePoint): Candidate {
  try {
    const version = bot.strategy.version(config);
    return { point, config: version.config, version: version.version };
  } catch (error) {
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    const why = Array.isArray(issues)
      ? issues.map((i) => `field "${i.path.map(String).join('.')}": ${i.message}`).join('; ')
      : (error as Error).message;
    throw new AnalyticsError(
      'TT_ANALYTICS_BAD_SEARCH_SPACE',
      `strategy "${bot.strategy.name}" rejects the config ${JSON.stringify(config)}: ${why}`,
    );
  }
}
