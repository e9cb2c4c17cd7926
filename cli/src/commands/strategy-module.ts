import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StrategyDefinition } from '@tradetrace/sdk';
import type { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { describeIssues } from '../zod-issues.ts';

type AnyDefinition = StrategyDefinition<z.ZodType>;

const isDefinition = (value: unknown): value is AnyDefinition =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AnyDefinition).name === 'string' &&
  typeof (value as AnyDefinition).safeVersion === 'function';

/**
 * The strategy definition (`defineStrategy(...)`) a module exports as `exportName`, or the `strategy` of a backtest
 * bot it exports there, so `versions add` applies the schema's defaults exactly as the bot does.
 */
export async function loadStrategyDefinition(path: string, exportName: string): Promise<AnyDefinition> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`--module: cannot import ${path}: ${(error as Error).message}`);
  }
  const exported = module[exportName];
  const definition = isDefinition(exported) ? exported : (exported as { strategy?: unknown } | undefined)?.strategy;
  if (!isDefinition(definition))
    throw new CliError(
      `--export: ${path} exports no strategy definition as "${exportName}" (a defineStrategy(...) or a bot with .strategy)`,
    );
  return definition;
}

/** The config as the bot would run it: validated by the strategy's schema, defaults applied. */
export function canonicalConfig(definition: AnyDefinition, strategyName: string, config: unknown): unknown {
  if (definition.name !== strategyName)
    throw new CliError(`--module defines strategy "${definition.name}", not "${strategyName}"; check --strategy`);
  const checked = definition.safeVersion(config);
  if (!checked.success)
    throw new CliError(
      `--config does not fit strategy "${strategyName}": ${describeIssues(checked.error, (path) => ['config', ...path].map(String).join('.'))}`,
    );
  return checked.version.config;
}
