import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { decodeBase58, isEd25519Keypair } from './base58.ts';
import * as A from '../semconv/trading-attributes.ts';
import { BIP39_ENGLISH_WORDS } from './bip39-english-wordlist.ts';

/**
 * Keys whose values the SDK itself produces as numbers, booleans or enumerated words: nothing to scrub there, so
 * they are skipped (the common path of every span). Free text (context, reasons, messages, names) is always scanned.
 */
const SDK_VALUE_KEYS: ReadonlySet<string> = new Set([
  A.ATTR_TRADING_OPERATION_NAME,
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
  /** Cheap test that rules the pattern out for most strings without running it. `longToken`: the text has a run of 20+ token characters. */
  mayMatch: (text: string, longToken: boolean) => boolean;
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

/** Attribute keys whose value is a secret whatever it looks like (`exchange.api_key`, `wallet.private_key`, ...). */
const SECRET_KEY_NAME = /(?:^|[._-])(?:api[_-]?key|apikey|api[_-]?secret|secret|secret[_-]?key|client[_-]?secret|password|passwd|passphrase|private[_-]?key|privkey|mnemonic|seed[_-]?phrase|access[_-]?token|auth[_-]?token|refresh[_-]?token|authorization)$/i;

/** `api_key=...`, `"apiSecret": "..."`, `password: ...`: the name is kept, the value replaced. */
const ASSIGNMENT =
  /((?:[A-Za-z0-9]+[_.-])*(?:api[_-]?key|apikey|api[_-]?secret|secret[_-]?key|client[_-]?secret|secret|password|passwd|passphrase|private[_-]?key|privkey|access[_-]?token|auth[_-]?token|refresh[_-]?token|session[_-]?token|mnemonic|seed[_-]?phrase)(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?)(?!\[REDACTED)([^\s"'&,;}\]\\]+)/gi;
/** Secrets in URL query strings: `?token=...&signature=...`. */
const QUERY_SECRET = /([?&](?:token|access_token|key|apikey|api_key|secret|signature|sig|password)=)(?!\[REDACTED)([^&\s#"']+)/gi;
/** `Authorization: Bearer <token>` and bare `Bearer <token>`. */
const BEARER = new RegExp(`${tokenStart('A-Za-z0-9_')}(Bearer\\s+)(?!\\[REDACTED)[A-Za-z0-9\\-._~+/]{8,}=*`, 'gi');
/** JSON Web Tokens anywhere. */
const JWT = new RegExp(`${tokenStart('A-Za-z0-9_')}eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*`, 'g');
/** Provider API keys with a recognisable prefix (OpenAI/Anthropic/DeepSeek `sk-`, GitHub, Slack). */
const PREFIXED_API_KEY = new RegExp(`${tokenStart('A-Za-z0-9_')}(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abpr]-[A-Za-z0-9-]{10,})`, 'g');
/** 32-byte (or longer) hex: EVM private keys, with or without 0x. Transaction hashes look the same and go too. */
const HEX_KEY = /(?:0x)?[0-9a-fA-F]{64,}/g;
/** Long base58 runs: Solana secret keys (64 bytes, 87-88 chars), extended keys (xprv..., 111 chars). */
const LONG_BASE58 = new RegExp(`${tokenStart(BASE58_CHAR)}[${BASE58_CHAR}]{80,}`, 'g');
/** Bitcoin WIF private keys (51-52 chars, starting 5/K/L mainnet, 9/c testnet). */
const WIF = new RegExp(`${tokenStart(BASE58_CHAR)}[5KL9c][${BASE58_CHAR}]{50,51}(?![${BASE58_CHAR}])`, 'g');
/** A 64-byte keypair written as a JSON byte array (Solana keypair files). */
const BYTE_ARRAY = /\[\s*(?:\d{1,3}\s*,\s*){63}\d{1,3}\s*\]/g;

/** Every token-shaped secret (hex and base58 keys, prefixed API keys) has a run of 20+ of these characters. */
const LONG_TOKEN = /[A-Za-z0-9_\-+/]{20,}/;
/** Every assignment-style secret names itself with one of these. */
const SECRET_WORD = /key|secret|pass|token|mnemonic|seed|priv|sig/i;

const BUILT_IN_RULES: readonly TextRule[] = [
  regexRule('secret', ASSIGNMENT, (t) => (t.includes('=') || t.includes(':')) && SECRET_WORD.test(t), (_m, name: string) => name + redactionMarker('secret')),
  regexRule('secret', QUERY_SECRET, (t) => t.includes('=') && SECRET_WORD.test(t), (_m, name: string) => name + redactionMarker('secret')),
  regexRule('bearer_token', BEARER, (t) => t.length >= 15 && /bearer/i.test(t), (_m, prefix: string) => prefix + redactionMarker('bearer_token')),
  regexRule('jwt', JWT, (t) => t.length >= 20 && t.includes('eyJ')),
  regexRule('api_key', PREFIXED_API_KEY, (_t, longToken) => longToken),
  regexRule('private_key', HEX_KEY, (t, longToken) => longToken && t.length >= 64),
  regexRule('secret_key', LONG_BASE58, (t, longToken) => longToken && t.length >= 80, (match: string) => (isPublicBase58(match) ? match : redactionMarker('secret_key'))),
  regexRule('private_key', WIF, (t, longToken) => longToken && t.length >= 51),
  regexRule('secret_key', BYTE_ARRAY, (t) => t.length >= 128 && t.includes('['), (match: string) => (isByteArray(match) ? redactionMarker('secret_key') : match)),
  { kind: 'seed_phrase', mayMatch: (t) => t.length >= 47 && mayHoldSeedPhrase(t), apply: redactSeedPhrases },
];

function regexRule(kind: string, pattern: RegExp, mayMatch: (text: string, longToken: boolean) => boolean, replacer?: (...args: any[]) => string): TextRule {
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

/**
 * Whether the text has 12 consecutive candidate words (3 to 8 letters, separated as a seed phrase may be) — one pass
 * over the characters, no allocation. Prose rarely does (short words like "a", "is", "the"… and long ones break the
 * run), so the word-by-word wordlist check runs only on the few texts that do.
 */
function mayHoldSeedPhrase(text: string): boolean {
  let words = 0;
  let letters = 0;
  let separators = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    const isLetter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    if (isLetter && !(letters === 0 && i > 0 && text.charCodeAt(i - 1) === 92)) {
      if (letters === 0 && words > 0 && separators > 12) words = 0;
      letters++;
      separators = 0;
      continue;
    }
    if (letters > 0) {
      if (letters >= 3 && letters <= 8) {
        if (++words >= MIN_SEED_WORDS) return true;
      } else {
        words = 0;
      }
      letters = 0;
    }
    separators++;
  }
  return false;
}

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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const CACHE_LIMIT = 2048;
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

  constructor(options: RedactionOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.rules = [...BUILT_IN_RULES];
    for (const pattern of options.patterns ?? []) {
      const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
      this.rules.push(regexRule('custom', global, () => true));
    }
    const values = (options.values ?? []).filter((v) => typeof v === 'string' && v.length >= 4);
    if (values.length > 0) {
      const literal = new RegExp(values.map(escapeRegExp).sort((a, b) => b.length - a.length).join('|'), 'g');
      this.rules.unshift(regexRule('secret', literal, () => true));
    }
    this.secretKeys = [...(options.keys ?? [])];
  }

  redactText(text: string): string {
    if (!this.enabled || text.length === 0) return text;
    const cacheable = text.length <= CACHEABLE_LENGTH;
    if (cacheable) {
      const known = this.cache.get(text);
      if (known !== undefined) return known;
    }
    let out = text;
    const longToken = text.length >= 20 && LONG_TOKEN.test(text);
    for (const rule of this.rules) if (rule.mayMatch(out, longToken)) out = rule.apply(out);
    if (cacheable) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(text, out);
    }
    return out;
  }

  isSecretKey(key: string): boolean {
    let verdict = this.keyVerdicts.get(key);
    if (verdict === undefined) {
      verdict = SECRET_KEY_NAME.test(key) || this.secretKeys.some((k) => (typeof k === 'string' ? k === key : k.test(key)));
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
      if (SDK_VALUE_KEYS.has(key)) continue;
      const value = attributes[key];
      const redacted = this.redactValue(key, value);
      if (redacted !== value) (out ??= { ...attributes })[key] = redacted;
    }
    return out ?? attributes;
  }
}
