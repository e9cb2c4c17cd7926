import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { decodeBase58, isEd25519Keypair } from './base58.ts';
import * as A from '../semconv/trading-attributes.ts';
import { BIP39_ENGLISH_WORDS } from './bip39-english-wordlist.ts';

/**
 * Keys of the conventions whose values are numbers, booleans, enumerated words or identifiers (symbols, ids, model
 * and strategy names, currencies): nothing a secret hides in, so they are skipped — the common path of every span.
 * Free text (what the bot saw, reasons, prompts and answers, span names, error messages, every other key) is always
 * scanned.
 */
const SDK_VALUE_KEYS: ReadonlySet<string> = new Set([
  // Redacted by structure before the span starts (config-redaction.ts).
  A.ATTR_TRADING_STRATEGY_CONFIG,
  A.ATTR_TRADING_OPERATION_NAME,
  A.ATTR_TRADING_DECISION_ID,
  A.ATTR_TRADING_SYMBOL,
  A.ATTR_TRADING_EXCHANGE,
  A.ATTR_TRADING_STRATEGY_NAME,
  A.ATTR_TRADING_STRATEGY_VERSION,
  A.ATTR_TRADING_REWARD_NAME,
  A.ATTR_TRADING_REWARD_UNIT,
  A.ATTR_FEATURE_FLAG_KEY,
  A.ATTR_FEATURE_FLAG_RESULT_VARIANT,
  A.ATTR_FEATURE_FLAG_PROVIDER_NAME,
  A.ATTR_GEN_AI_PROVIDER_NAME,
  A.ATTR_GEN_AI_REQUEST_MODEL,
  A.ATTR_GEN_AI_RESPONSE_MODEL,
  A.ATTR_GEN_AI_RESPONSE_ID,
  A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  A.ATTR_SERVER_ADDRESS,
  A.ATTR_TRADING_ORDER_ID,
  A.ATTR_TRADING_ORDER_CLIENT_ORDER_ID,
  A.ATTR_TRADING_ORDER_TYPE,
  A.ATTR_TRADING_ORDER_TIME_IN_FORCE,
  A.ATTR_TRADING_ORDER_FEE_CURRENCY,
  A.ATTR_TRADING_ORDER_TRIGGER_PRICE,
  A.ATTR_TRADING_ORDER_STOP_LOSS_PRICE,
  A.ATTR_TRADING_ORDER_TAKE_PROFIT_PRICE,
  A.ATTR_TRADING_TRADE_ID,
  A.ATTR_TRADING_FILL_FEE_CURRENCY,
  A.ATTR_TRADING_POSITION_ID,
  A.ATTR_TRADING_POSITION_MARGIN_MODE,
  A.ATTR_ERROR_TYPE,
  A.ATTR_TRADING_DECISION_ACTION,
  A.ATTR_TRADING_DECISION_KIND,
  A.ATTR_TRADING_DECISION_CONFIDENCE,
  A.ATTR_TRADING_DECISION_SIZE,
  A.ATTR_TRADING_MARKET_TYPE,
  A.ATTR_TRADING_MODE,
  A.ATTR_TRADING_REWARD_VALUE,
  A.ATTR_TRADING_REWARD_KIND,
  A.ATTR_TRADING_REWARD_HORIZON_S,
  A.ATTR_GEN_AI_OPERATION_NAME,
  A.ATTR_GEN_AI_REQUEST_TEMPERATURE,
  A.ATTR_GEN_AI_REQUEST_TOP_P,
  A.ATTR_GEN_AI_REQUEST_TOP_K,
  A.ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  A.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  A.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  A.ATTR_GEN_AI_REQUEST_SEED,
  A.ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  A.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  A.ATTR_GEN_AI_OUTPUT_TYPE,
  A.ATTR_SERVER_PORT,
  A.ATTR_TRADING_ORDER_SIDE,
  A.ATTR_TRADING_ORDER_STATUS,
  A.ATTR_TRADING_ORDER_PRICE,
  A.ATTR_TRADING_ORDER_AMOUNT,
  A.ATTR_TRADING_ORDER_FILLED,
  A.ATTR_TRADING_ORDER_REMAINING,
  A.ATTR_TRADING_ORDER_AVERAGE,
  A.ATTR_TRADING_ORDER_COST,
  A.ATTR_TRADING_ORDER_FEE_COST,
  A.ATTR_TRADING_ORDER_REDUCE_ONLY,
  A.ATTR_TRADING_ORDER_POST_ONLY,
  A.ATTR_TRADING_FILL_PRICE,
  A.ATTR_TRADING_FILL_AMOUNT,
  A.ATTR_TRADING_FILL_COST,
  A.ATTR_TRADING_FILL_FEE_COST,
  A.ATTR_TRADING_FILL_LIQUIDITY,
  A.ATTR_TRADING_POSITION_SIDE,
  A.ATTR_TRADING_POSITION_ENTRY_PRICE,
  A.ATTR_TRADING_POSITION_EXIT_PRICE,
  A.ATTR_TRADING_POSITION_AMOUNT,
  A.ATTR_TRADING_POSITION_REALIZED_PNL,
  A.ATTR_TRADING_POSITION_REALIZED_RETURN,
  A.ATTR_TRADING_POSITION_FEES,
  A.ATTR_TRADING_POSITION_DURATION_S,
  A.ATTR_TRADING_POSITION_LEVERAGE,
]);

/** What replaces a secret: `[REDACTED:<kind>]`, so a reader knows something was there and what it looked like. */
export function redactionMarker(kind: string): string {
  return `[REDACTED:${kind}]`;
}

export interface RedactionOptions {
  /** Turn redaction off entirely (not recommended for live bots). Default true. */
  enabled?: boolean;
  /** Extra patterns; every match is replaced by `[REDACTED:custom]`. A pattern without the `g` flag gets it. */
  patterns?: readonly RegExp[];
  /** Literal secret values the bot knows (its own API secret, wallet key): every occurrence is replaced. */
  values?: readonly string[];
  /** Attribute keys whose whole value is replaced, in addition to the built-in secret-looking key names. */
  keys?: readonly (string | RegExp)[];
}

interface TextRule {
  kind: string;
  /** Cheap test that rules the pattern out for most strings without running it, from one pass over the text. */
  mayMatch: (text: string, probe: TextProbe) => boolean;
  apply: (text: string) => string;
}

const BASE58_CHAR = '1-9A-HJ-NP-Za-km-z';

/**
 * "Starts a token": not right after a character of `chars`, but right after a JSON escape such as `\n` is fine (the
 * `n` is not part of the token) — prompts and messages are often JSON text.
 */
function tokenStart(chars: string): string {
  return `(?<!\\\\)(?:(?<=\\\\[nrt])|(?<![${chars}]))`;
}

/** Names that mark a secret, as regex alternatives: `api_key`, `apiKey` and `api-key` are one name. */
const API_KEY_NAMES = ['api[_-]?key', 'apikey', 'api[_-]?secret', 'secret[_-]?key', 'client[_-]?secret', 'secret'];
const PASSWORD_NAMES = ['password', 'passwd', 'passphrase'];
const WALLET_KEY_NAMES = ['private[_-]?key', 'privkey', 'mnemonic', 'seed[_-]?phrase'];
const TOKEN_NAMES = ['access[_-]?token', 'auth[_-]?token', 'refresh[_-]?token'];
const SECRET_NAMES = [...API_KEY_NAMES, ...PASSWORD_NAMES, ...WALLET_KEY_NAMES, ...TOKEN_NAMES];

const anyOf = (alternatives: readonly string[]): string => `(?:${alternatives.join('|')})`;

/** Attribute keys whose value is a secret whatever it looks like (`exchange.api_key`, `wallet.private_key`, ...). */
const SECRET_KEY_NAME = new RegExp(`(?:^|[._-])${anyOf([...SECRET_NAMES, 'authorization'])}$`, 'i');

/** `api_key=...`, `"apiSecret": "..."`, `password: ...`: the name is kept, the value replaced. */
const ASSIGNMENT = (() => {
  const dottedPrefix = '(?:[A-Za-z0-9]+[_.-])*'; // exchange.api_key, binance_secret
  const quote = String.raw`(?:\\?["'])?`; // a quote, or a JSON-escaped one inside a message
  const separator = String.raw`\s*[:=]\s*`;
  const name = `${dottedPrefix}${anyOf([...SECRET_NAMES, 'session[_-]?token'])}`;
  const value = String.raw`[^\s"'&,;}\]\\]+`;
  return new RegExp(String.raw`(${name}${quote}${separator}${quote})(?!\[REDACTED)(${value})`, 'gi');
})();
/** Secrets in URL query strings: `?token=...&signature=...`. */
const QUERY_SECRET = new RegExp(
  String.raw`([?&]${anyOf(['token', 'access_token', 'key', 'apikey', 'api_key', 'secret', 'signature', 'sig', 'password'])}=)(?!\[REDACTED)([^&\s#"']+)`,
  'gi',
);
/** `Authorization: Bearer <token>` and bare `Bearer <token>`. */
const BEARER = new RegExp(`${tokenStart('A-Za-z0-9_')}(Bearer\\s+)(?!\\[REDACTED)[A-Za-z0-9\\-._~+/]{8,}=*`, 'gi');
/** JSON Web Tokens anywhere. */
const JWT = new RegExp(`${tokenStart('A-Za-z0-9_')}eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*`, 'g');
/** Provider API keys with a recognisable prefix (OpenAI/Anthropic/DeepSeek `sk-`, GitHub, Slack). */
const PREFIXED_API_KEY = new RegExp(
  `${tokenStart('A-Za-z0-9_')}${anyOf([
    'sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}', // OpenAI, Anthropic, DeepSeek
    'gh[pousr]_[A-Za-z0-9]{30,}', // GitHub tokens
    'github_pat_[A-Za-z0-9_]{30,}',
    'xox[abpr]-[A-Za-z0-9-]{10,}', // Slack
  ])}`,
  'g',
);
/** 32-byte (or longer) hex: EVM private keys, with or without 0x. Transaction hashes look the same and go too. */
const HEX_KEY = /(?:0x)?[0-9a-fA-F]{64,}/g;
/** Long base58 runs: Solana secret keys (64 bytes, 87-88 chars), extended keys (xprv..., 111 chars). */
const LONG_BASE58 = new RegExp(`${tokenStart(BASE58_CHAR)}[${BASE58_CHAR}]{80,}`, 'g');
/** Bitcoin WIF private keys (51-52 chars, starting 5/K/L mainnet, 9/c testnet). */
const WIF = new RegExp(`${tokenStart(BASE58_CHAR)}[5KL9c][${BASE58_CHAR}]{50,51}(?![${BASE58_CHAR}])`, 'g');
/** A 64-byte keypair written as a JSON byte array (Solana keypair files). */
const BYTE_ARRAY = /\[\s*(?:\d{1,3}\s*,\s*){63}\d{1,3}\s*\]/g;

/** Every assignment-style secret names itself with one of these. */
const SECRET_WORD = /key|secret|pass|token|mnemonic|seed|priv|sig/i;

/** What one pass over a text tells the rules (so most rules never run their regex). */
export interface TextProbe {
  /** Longest run of token characters `[A-Za-z0-9_+/-]`: every key-shaped secret has 20+. */
  longestTokenRun: number;
  hasEquals: boolean;
  hasColon: boolean;
  commas: number;
  /** 12 consecutive 3-8 letter words separated as a written-down seed phrase can be. */
  mayHoldSeedPhrase: boolean;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isTokenChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 43 || c === 47;
}

/** Characters allowed between the words of a seed phrase (see PHRASE_SEPARATOR), plus the backslash of escapes. */
function isPhraseSeparator(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 160 ||
    c === 44 ||
    c === 59 ||
    c === 34 ||
    c === 39 ||
    c === 45 ||
    c === 46 ||
    (c >= 48 && c <= 57) ||
    c === 91 ||
    c === 93 ||
    c === 40 ||
    c === 41 ||
    c === 92
  );
}

export function probeText(text: string): TextProbe {
  let run = 0;
  let longest = 0;
  let hasEquals = false;
  let hasColon = false;
  let commas = 0;
  let words = 0;
  let letters = 0;
  let separators = 0;
  let seed = false;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    if (isTokenChar(c)) {
      if (++run > longest) longest = run;
    } else {
      run = 0;
    }
    if (c === 61) hasEquals = true;
    else if (c === 58) hasColon = true;
    else if (c === 44) commas++;
    if (seed) continue;
    // Seed-phrase candidate words: a letter right after a backslash is an escape (\n), not a word.
    if (isLetter(c) && !(letters === 0 && i > 0 && text.charCodeAt(i - 1) === 92)) {
      if (letters === 0 && separators > 12) words = 0;
      letters++;
      separators = 0;
      continue;
    }
    if (letters > 0) {
      if (letters >= 3 && letters <= 8) {
        if (++words >= MIN_SEED_WORDS) seed = true;
      } else {
        words = 0;
      }
      letters = 0;
    }
    if (isPhraseSeparator(c) || (i > 0 && text.charCodeAt(i - 1) === 92)) separators++;
    else words = 0;
  }
  return { longestTokenRun: longest, hasEquals, hasColon, commas, mayHoldSeedPhrase: seed };
}

const BUILT_IN_RULES: readonly TextRule[] = [
  // First: the markers other rules insert (`[REDACTED:api_key]`) contain wordlist words.
  { kind: 'seed_phrase', mayMatch: (_t, p) => p.mayHoldSeedPhrase, apply: redactSeedPhrases },
  regexRule(
    'secret',
    ASSIGNMENT,
    (t, p) => (p.hasEquals || p.hasColon) && SECRET_WORD.test(t),
    (_m, name: string) => name + redactionMarker('secret'),
  ),
  regexRule(
    'secret',
    QUERY_SECRET,
    (t, p) => p.hasEquals && SECRET_WORD.test(t),
    (_m, name: string) => name + redactionMarker('secret'),
  ),
  regexRule(
    'bearer_token',
    BEARER,
    (t) => t.length >= 15 && (t.includes('earer') || t.includes('EARER')),
    (_m, prefix: string) => prefix + redactionMarker('bearer_token'),
  ),
  regexRule('jwt', JWT, (t, p) => p.longestTokenRun >= 5 && t.includes('eyJ')),
  regexRule('api_key', PREFIXED_API_KEY, (_t, p) => p.longestTokenRun >= 15),
  regexRule('private_key', HEX_KEY, (_t, p) => p.longestTokenRun >= 64),
  regexRule(
    'secret_key',
    LONG_BASE58,
    (_t, p) => p.longestTokenRun >= 80,
    (match: string) => (isPublicBase58(match) ? match : redactionMarker('secret_key')),
  ),
  regexRule('private_key', WIF, (_t, p) => p.longestTokenRun >= 51),
  regexRule(
    'secret_key',
    BYTE_ARRAY,
    (t, p) => p.commas >= 63 && t.includes('['),
    (match: string) => (isByteArray(match) ? redactionMarker('secret_key') : match),
  ),
];

function regexRule(
  kind: string,
  pattern: RegExp,
  mayMatch: (text: string, probe: TextProbe) => boolean,
  // biome-ignore lint/suspicious/noExplicitAny: String.prototype.replace's own replacer type
  replacer?: (...args: any[]) => string,
): TextRule {
  const marker = redactionMarker(kind);
  return {
    kind,
    mayMatch,
    apply: (text) => {
      pattern.lastIndex = 0;
      return replacer ? text.replace(pattern, replacer) : text.replace(pattern, marker);
    },
  };
}

/**
 * A base58 run of 64 bytes that is not an Ed25519 keypair is kept: it is a transaction signature (same shape),
 * which trading telemetry wants. Every other long run (a keypair, an extended key) is a secret.
 */
function isPublicBase58(run: string): boolean {
  if (run.length < 86 || run.length > 88) return false;
  const bytes = decodeBase58(run);
  return bytes !== undefined && bytes.length === 64 && !isEd25519Keypair(bytes);
}

function isByteArray(text: string): boolean {
  return (text.match(/\d{1,3}/g) ?? []).every((n) => Number(n) <= 255);
}

/** A word, not counting the letter of an escape sequence (`\n` inside JSON text). */
const WORD = /(?<!\\)[A-Za-z]+/g;
/** What may stand between the words of a written-down seed phrase: spaces, commas, quotes, numbering, JSON escapes. */
const PHRASE_SEPARATOR = /^(?:[\s,;"'\-.\d[\]()]|\\[nrt"\\])+$/;
const MIN_SEED_WORDS = 12;

/** Replaces every run of 12 or more BIP-39 words (any case, separated by spaces, commas, quotes or numbering). */
function redactSeedPhrases(text: string): string {
  WORD.lastIndex = 0;
  let out: string | undefined;
  let copiedUpTo = 0;
  let runStart = -1;
  let runEnd = -1;
  let runWords = 0;
  const closeRun = () => {
    if (runWords >= MIN_SEED_WORDS) {
      out = (out ?? '') + text.slice(copiedUpTo, runStart) + redactionMarker('seed_phrase');
      copiedUpTo = runEnd;
    }
    runWords = 0;
    runStart = -1;
  };
  for (let match = WORD.exec(text); match !== null; match = WORD.exec(text)) {
    const word = match[0];
    const start = match.index;
    const isSeedWord = word.length >= 3 && word.length <= 8 && BIP39_ENGLISH_WORDS.has(word.toLowerCase());
    if (!isSeedWord) {
      closeRun();
      continue;
    }
    if (runWords > 0) {
      const separator = text.slice(runEnd, start);
      if (separator.length > 12 || !PHRASE_SEPARATOR.test(separator)) closeRun();
    }
    if (runWords === 0) runStart = start;
    runWords++;
    runEnd = start + word.length;
  }
  closeRun();
  return out === undefined ? text : out + text.slice(copiedUpTo);
}

function isUuid(text: string): boolean {
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      return false;
    }
  }
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** No built-in rule matches fewer characters: the shortest secret is a query-string one such as `?sig=x`. */
export const SHORTEST_BUILT_IN_MATCH = 6;

const CACHE_LIMIT = 2048;

const KEY_TEXT = 0;
const KEY_SDK_VALUE = 1;
const KEY_SECRET = 2;

/** What the redactor knows about an attribute key: how to treat it, and the last value that was found clean. */
interface KeyInfo {
  kind: typeof KEY_TEXT | typeof KEY_SDK_VALUE | typeof KEY_SECRET;
  lastValue: string | undefined;
}
const CACHEABLE_LENGTH = 256;

/**
 * Scrubs secrets from span data before it leaves the process: private keys (hex, base58, byte arrays), seed
 * phrases, bearer tokens, JWTs, prefixed provider API keys, `api_key=`-style assignments, values under secret-looking
 * attribute keys, and whatever the user adds. Returns the very same object when nothing changed, so the common case
 * allocates nothing.
 */
export class SecretRedactor {
  readonly enabled: boolean;
  private readonly rules: TextRule[];
  private readonly secretKeys: (string | RegExp)[];
  /** Short strings repeat endlessly in telemetry (symbols, actions, model names): remember their verdict. */
  private readonly cache = new Map<string, string>();
  private readonly keyVerdicts = new Map<string, boolean>();
  private readonly keys = new Map<string, KeyInfo>();
  private readonly hasCustomRules: boolean;

  constructor(options: RedactionOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.rules = [...BUILT_IN_RULES];
    for (const pattern of options.patterns ?? []) {
      const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
      this.rules.push(regexRule('custom', global, () => true));
    }
    const values = (options.values ?? []).filter((v) => typeof v === 'string' && v.length >= 4);
    if (values.length > 0) {
      const literal = new RegExp(
        values
          .map(escapeRegExp)
          .sort((a, b) => b.length - a.length)
          .join('|'),
        'g',
      );
      this.rules.unshift(regexRule('secret', literal, () => true));
    }
    this.secretKeys = [...(options.keys ?? [])];
    this.hasCustomRules = this.rules.length !== BUILT_IN_RULES.length;
  }

  redactText(text: string): string {
    if (!this.enabled || text.length === 0) return text;
    // Short values (sides, currencies, flags) cannot hold a built-in secret; user patterns may match anything.
    if (text.length < SHORTEST_BUILT_IN_MATCH && !this.hasCustomRules) return text;
    // UUIDs (decision ids, most ids) match no built-in pattern: skip them unless the user added patterns.
    if (text.length === 36 && !this.hasCustomRules && isUuid(text)) return text;
    const cacheable = text.length <= CACHEABLE_LENGTH;
    if (cacheable) {
      const known = this.cache.get(text);
      if (known !== undefined) return known;
    }
    let out = text;
    const probe = probeText(text);
    for (const rule of this.rules) if (rule.mayMatch(out, probe)) out = rule.apply(out);
    if (cacheable) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(text, out);
    }
    return out;
  }

  /** `redactText` without the cheap prechecks and caches: every rule runs. Tests hold the two equal. */
  redactTextExhaustively(text: string): string {
    let out = text;
    for (const rule of this.rules) out = rule.apply(out);
    return out;
  }

  isSecretKey(key: string): boolean {
    let verdict = this.keyVerdicts.get(key);
    if (verdict === undefined) {
      verdict =
        SECRET_KEY_NAME.test(key) || this.secretKeys.some((k) => (typeof k === 'string' ? k === key : k.test(key)));
      if (this.keyVerdicts.size >= CACHE_LIMIT) this.keyVerdicts.clear();
      this.keyVerdicts.set(key, verdict);
    }
    return verdict;
  }

  redactValue(key: string, value: AttributeValue | undefined): AttributeValue | undefined {
    if (value === undefined || value === null) return value;
    if (this.isSecretKey(key)) return redactionMarker('secret');
    if (typeof value === 'string') return this.redactText(value);
    if (Array.isArray(value)) {
      let changed: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item !== 'string') continue;
        const redacted = this.redactText(item);
        if (redacted !== item) (changed ??= [...value])[i] = redacted;
      }
      return (changed ?? value) as AttributeValue;
    }
    return value;
  }

  /** The same object when nothing needed scrubbing, else a scrubbed copy. */
  redactAttributes(attributes: Attributes): Attributes {
    if (!this.enabled) return attributes;
    let out: Attributes | undefined;
    for (const key in attributes) {
      const value = attributes[key];
      const info = this.keyInfo(key);
      if (info.kind === KEY_SDK_VALUE || value === undefined || value === null) continue;
      let redacted: AttributeValue | undefined;
      if (info.kind === KEY_SECRET) {
        redacted = redactionMarker('secret');
      } else if (typeof value === 'string') {
        // Most keys carry the same value span after span (symbol, strategy, model): remember the last verdict per key.
        if (value === info.lastValue) continue;
        redacted = this.redactText(value);
        if (redacted === value) info.lastValue = value;
      } else if (Array.isArray(value)) {
        redacted = this.redactValue(key, value);
      } else {
        continue;
      }
      if (redacted !== value) (out ??= { ...attributes })[key] = redacted;
    }
    return out ?? attributes;
  }

  private keyInfo(key: string): KeyInfo {
    let info = this.keys.get(key);
    if (info === undefined) {
      info = {
        kind: SDK_VALUE_KEYS.has(key) ? KEY_SDK_VALUE : this.isSecretKey(key) ? KEY_SECRET : KEY_TEXT,
        lastValue: undefined,
      };
      if (this.keys.size >= CACHE_LIMIT) this.keys.clear();
      this.keys.set(key, info);
    }
    return info;
  }
}
