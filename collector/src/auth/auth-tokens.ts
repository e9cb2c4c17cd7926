import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CollectorConfigError } from '../collector-config.ts';

/** What a token may do: write telemetry (`ingest`), use the query API (`read`), or also change the registry (`admin`). */
export type TokenRole = 'ingest' | 'read' | 'admin';

/** One configured bearer token. An ingest token may be bound to the one service or bot it may write as. */
export interface AuthToken {
  token: string;
  role: TokenRole;
  binding?: { kind: 'service' | 'bot'; value: string };
  /** The collector's own credential for tools of the user running it (not a configured token). */
  local?: true;
}

const TOKEN = z
  .string()
  .regex(/^[A-Za-z0-9._~+/=-]{16,}$/, 'a token must be at least 16 characters of A-Z a-z 0-9 . _ ~ + / = -');

/**
 * Parses token entries: `TOKEN` (an ingest token), `read:TOKEN`, `admin:TOKEN`, `ingest:TOKEN`, and a binding after `@`:
 * `TOKEN@service:momentum-bot` or `TOKEN@bot:bot-7`. Entries are separated by commas or new lines; `#` starts a comment.
 */
export function parseAuthTokens(text: string, source: string): AuthToken[] {
  const entries = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => line.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.map((entry, index) => parseEntry(entry, `${source} entry ${index + 1}`));
}

function parseEntry(entry: string, where: string): AuthToken {
  const at = entry.indexOf('@');
  const head = at < 0 ? entry : entry.slice(0, at);
  const bindingText = at < 0 ? undefined : entry.slice(at + 1);
  const colon = head.indexOf(':');
  const roleText = colon < 0 ? 'ingest' : head.slice(0, colon);
  const tokenText = colon < 0 ? head : head.slice(colon + 1);
  if (roleText !== 'ingest' && roleText !== 'read' && roleText !== 'admin')
    throw new CollectorConfigError(`${where}: unknown role "${roleText}"; use ingest:, read: or admin:`);
  const token = TOKEN.safeParse(tokenText);
  if (!token.success) throw new CollectorConfigError(`${where}: ${token.error.issues[0]?.message}`);
  const result: AuthToken = { token: token.data, role: roleText };
  if (bindingText !== undefined) {
    const match = /^(service|bot):(.+)$/.exec(bindingText);
    if (!match) throw new CollectorConfigError(`${where}: a binding is written @service:NAME or @bot:ID`);
    if (roleText !== 'ingest')
      throw new CollectorConfigError(`${where}: only ingest tokens can be bound to a service or bot`);
    result.binding = { kind: match[1] as 'service' | 'bot', value: match[2]! };
  }
  return result;
}

/** Reads tokens from a file (one entry per line) and from a comma-separated list, e.g. TRADETRACE_AUTH_TOKENS. */
export function loadAuthTokens(options: { file?: string; list?: string }): AuthToken[] {
  const tokens: AuthToken[] = [];
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new CollectorConfigError(`authTokensFile: cannot read ${options.file}: ${(error as Error).message}`);
    }
    tokens.push(...parseAuthTokens(text, options.file));
  }
  if (options.list !== undefined) tokens.push(...parseAuthTokens(options.list, 'authTokens'));
  return tokens;
}
