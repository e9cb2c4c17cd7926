import { readFile } from 'node:fs/promises';
import { CliError } from './cli-error.ts';

/** The text of a file a flag names; an unreadable one is the flag's error. */
export async function readFlagFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`${flag}: cannot read ${path}: ${(error as Error).message}`);
  }
}

/** A JSON file a flag names (JSON only, so what is hashed is exactly what was written). */
export async function readFlagJson(path: string, flag: string): Promise<unknown> {
  const text = await readFlagFile(path, flag);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${flag}: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}
