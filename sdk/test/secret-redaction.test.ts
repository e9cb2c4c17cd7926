import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretRedactor, semconv as A } from '@tradetrace/sdk';
import { BIP39_ENGLISH_WORDS } from '../src/redaction/bip39-english-wordlist.ts';
import { SHORTEST_BUILT_IN_MATCH } from '../src/redaction/secret-redactor.ts';
import { encodeBase58 } from '../src/redaction/base58.ts';
import { inMemorySdk } from './support/in-memory-sdk.ts';

const WORDS = [...BIP39_ENGLISH_WORDS];
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function solanaSecretKey(seed: Uint8Array): Uint8Array {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
  return Uint8Array.from([...seed, ...publicKey]);
}

function wif(key: Uint8Array, compressed: boolean): string {
  const payload = Buffer.from([0x80, ...key, ...(compressed ? [0x01] : [])]);
  const checksum = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest().subarray(0, 4);
  return encodeBase58(Buffer.concat([payload, checksum]));
}

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((b) => b.some((x) => x !== 0));
const token = (min: number, max: number, chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') =>
  fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((c) => c.join(''));

/** Each generator yields [the text as it would appear, the secret that must not survive]. */
const secrets: Record<string, fc.Arbitrary<[string, string]>> = {
  hexPrivateKey: fc.tuple(bytes32, fc.boolean(), fc.boolean()).map(([b, prefix, upper]) => {
    const hex = Buffer.from(b).toString('hex');
    const key = upper ? hex.toUpperCase() : hex;
    return [prefix ? `0x${key}` : key, key];
  }),
  solanaSecretKeyBase58: bytes32.map((seed) => {
    const key = encodeBase58(solanaSecretKey(seed));
    return [key, key];
  }),
  solanaKeypairJsonArray: bytes32.map((seed) => {
    const text = JSON.stringify([...solanaSecretKey(seed)]);
    return [text, text.slice(1, -1)];
  }),
  bitcoinWif: fc.tuple(bytes32, fc.boolean()).map(([key, compressed]) => {
    const text = wif(key, compressed);
    return [text, text];
  }),
  bip39SeedPhrase: fc
    .tuple(fc.constantFrom(12, 15, 18, 21, 24), fc.constantFrom(' ', ', ', '\n', '  ', ' - '), fc.boolean())
    .chain(([n, sep, capitalized]) =>
      fc.array(fc.constantFrom(...WORDS), { minLength: n, maxLength: n }).map((words): [string, string] => {
        const phrase = words.map((w) => (capitalized ? w[0]!.toUpperCase() + w.slice(1) : w)).join(sep);
        return [phrase, phrase];
      }),
    ),
  bearerToken: fc
    .tuple(
      fc.constantFrom('Bearer ', 'bearer ', 'Authorization: Bearer '),
      token(16, 64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/'),
    )
    .map(([p, t]) => [`${p}${t}`, t]),
  apiKeyAssignment: fc
    .tuple(
      fc.constantFrom(
        'api_key=',
        'apiKey: ',
        'API-KEY=',
        'secret=',
        'password: ',
        '"apiSecret": "',
        'binance_api_secret=',
        "passphrase='",
        'privateKey=',
      ),
      token(8, 40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/='),
    )
    .map(([k, v]) => [`${k}${v}`, v]),
  providerApiKey: fc
    .tuple(fc.constantFrom('sk-proj-', 'sk-ant-', 'sk-', 'ghp_', 'xoxb-'), token(30, 48))
    .map(([prefix, t]) => [`${prefix}${t}`, t]),
  slackToken: token(10, 14).map((t) => [`xoxb-${t}`, t]),
};

/** Characters that end a secret on both sides, as in real text. */
const boundary = fc.constantFrom(' ', '\n', '\t', ' | ', ' (', ') ', ', ');
const filler = fc.string({ maxLength: 30 });

const where = fc.constantFrom('span name', 'attribute', 'string array', 'event', 'llm message', 'context');

afterAll(async () => {});

describe('secret redaction before export (property)', () => {
  for (const [kind, secret] of Object.entries(secrets)) {
    it(`no generated ${kind} survives export`, async () => {
      const { tt, exporter, spans } = inMemorySdk();
      try {
        await fc.assert(
          fc.asyncProperty(
            secret,
            filler,
            filler,
            boundary,
            boundary,
            where,
            async ([text, core], before, after, b1, b2, place) => {
              exporter.reset();
              const value = `${before}${b1}${text}${b2}${after}`;
              const span = tt.tracer.startSpan(place === 'span name' ? `call ${value}` : 'call');
              if (place === 'attribute') span.setAttribute('bot.note', value);
              if (place === 'string array') span.setAttribute('bot.notes', ['ok', value]);
              if (place === 'event') span.addEvent('log', { message: value });
              if (place === 'llm message')
                span.setAttribute(
                  A.ATTR_GEN_AI_INPUT_MESSAGES,
                  JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: value }] }]),
                );
              span.end();
              if (place === 'context')
                await tt.decide({ symbol: 'SOL/USDC', context: { note: value } }, () => ({ action: 'hold' as const }));
              const exportedSpans = await spans();
              const exported = JSON.stringify(
                exportedSpans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
              );
              // Scrubbing never breaks the JSON of a captured prompt.
              if (place === 'llm message')
                expect(() =>
                  JSON.parse(String(exportedSpans[0]!.attributes[A.ATTR_GEN_AI_INPUT_MESSAGES])),
                ).not.toThrow();
              const escapedCore = JSON.stringify(core).slice(1, -1);
              expect(exported).not.toContain(escapedCore);
              expect(exported).toContain('[REDACTED:');
            },
          ),
          { numRuns: Number(process.env.REDACTION_RUNS ?? 150) },
        );
      } finally {
        await tt.shutdown();
      }
    });
  }
});

describe('secret redaction prechecks', () => {
  it('never skip a rule that would have matched (same result as running every rule)', () => {
    const redactor = new SecretRedactor({ patterns: [/acme_[a-z0-9]{8}/] });
    const noise = fc.string({
      unit: fc.constantFrom(...'abcXYZ019 _-+/=:.,;"\'\\[]{}~\n\tBearerkeysk-eyJ'.split('')),
      maxLength: 60,
    });
    const piece = fc.oneof(
      noise,
      ...Object.values(secrets).map((a) => a.map(([text]) => text)),
      fc.constant('acme_12345678'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const text = pieces.join('');
        expect(redactor.redactText(text)).toBe(redactor.redactTextExhaustively(text));
      }),
      { numRuns: Number(process.env.REDACTION_RUNS ?? 300) },
    );
  });
});

describe('secret redaction short-value skip', () => {
  it('skips only values no built-in rule can match', () => {
    const redactor = new SecretRedactor();
    const short = fc.string({
      unit: fc.constantFrom(...'?&=:"\' sigkeytonapwrdxbBE0123456789abcdef-_.[],'.split('')),
      maxLength: SHORTEST_BUILT_IN_MATCH - 1,
    });
    fc.assert(
      fc.property(short, (text) => {
        expect(redactor.redactTextExhaustively(text)).toBe(text);
      }),
      { numRuns: Number(process.env.REDACTION_RUNS ?? 2000) },
    );
    // The bound is tight: the shortest secret is still found.
    expect(redactor.redactText('?sig=x')).toBe('?sig=[REDACTED:secret]');
    expect(new SecretRedactor({ values: ['hunt'] }).redactText('hunt')).toBe('[REDACTED:secret]');
  });
});

describe('secret redaction (examples)', () => {
  const redactor = new SecretRedactor();

  it('keeps ordinary trading telemetry untouched', () => {
    const keep = [
      'SOL/USDC:USDC',
      'decide BTC/USDT',
      'buy',
      'RSI is 61 and the trend is up; buy 2 SOL at market, stop at 135.',
      // Solana address (32 bytes) and transaction signature (64 bytes, not a keypair) stay readable.
      '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU',
      encodeBase58(randomBytes(64)),
      // Trace and span ids.
      '4bf92f3577b34da6a3ce929d0e0e4736',
      'https://api.example.com/v1/orders?symbol=SOL&limit=5',
      'max_tokens=50',
      '{"model":"deepseek-chat","temperature":0.2}',
    ];
    for (const text of keep) expect(redactor.redactText(text), text).toBe(text);
  });

  it('replaces each kind of secret by a marker that says what it was', () => {
    const key = `0x${'ab'.repeat(32)}`;
    expect(redactor.redactText(`wallet ${key} loaded`)).toBe('wallet [REDACTED:private_key] loaded');
    expect(redactor.redactText('Authorization: Bearer abcdef0123456789xyz')).toBe(
      'Authorization: Bearer [REDACTED:bearer_token]',
    );
    expect(redactor.redactText('GET /v1/account?api_key=s3cr3tvalue&limit=1')).toBe(
      'GET /v1/account?api_key=[REDACTED:secret]&limit=1',
    );
    expect(redactor.redactText('{"apiSecret": "hunter2hunter2"}')).toBe('{"apiSecret": "[REDACTED:secret]"}');
    expect(redactor.redactText(`phrase: ${WORDS.slice(0, 12).join(' ')}.`)).toBe('phrase: [REDACTED:seed_phrase].');
    expect(redactor.redactText(`11 words are fine: ${WORDS.slice(0, 11).join(' ')}`)).toBe(
      `11 words are fine: ${WORDS.slice(0, 11).join(' ')}`,
    );
    expect(redactor.redactText('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_nature-1')).toBe(
      'token [REDACTED:jwt]',
    );
  });

  it('scrubs values under secret-looking attribute keys, whatever they look like', () => {
    expect(
      redactor.redactAttributes({
        'exchange.api_key': 'abc',
        'wallet.private_key': 12,
        'bot.mnemonic': 'x',
        'gen_ai.request.seed': 7,
        'gen_ai.usage.input_tokens': 5,
      }),
    ).toEqual({
      'exchange.api_key': '[REDACTED:secret]',
      'wallet.private_key': '[REDACTED:secret]',
      'bot.mnemonic': '[REDACTED:secret]',
      'gen_ai.request.seed': 7,
      'gen_ai.usage.input_tokens': 5,
    });
  });

  it('returns the same object when nothing needs scrubbing (no copy on the common path)', () => {
    const attributes = { 'trading.symbol': 'SOL/USDC', 'trading.context.price': 142.5 };
    expect(redactor.redactAttributes(attributes)).toBe(attributes);
  });

  it('applies user patterns, literal values and keys', async () => {
    const { tt, span } = inMemorySdk({
      redaction: { patterns: [/acme_[a-z0-9]{16}/], values: ['my-exchange-secret-value'], keys: ['bot.account'] },
      resourceAttributes: { 'exchange.api_key': 'resource-level-secret' },
    });
    try {
      const s = tt.tracer.startSpan('custom');
      s.setAttribute('note', 'token acme_0123456789abcdef and my-exchange-secret-value');
      s.setAttribute('bot.account', 'main-account-7');
      s.end();
      const exported = await span('custom');
      expect(exported.attributes).toEqual({
        note: 'token [REDACTED:custom] and [REDACTED:secret]',
        'bot.account': '[REDACTED:secret]',
      });
      expect(exported.resource.attributes['exchange.api_key']).toBe('[REDACTED:secret]');
      expect(exported.resource.attributes['service.name']).toBe('test-bot');
    } finally {
      await tt.shutdown();
    }
  });

  it('ships the BIP-39 English wordlist exactly as specified', () => {
    expect(WORDS).toHaveLength(2048);
    expect(
      createHash('sha256')
        .update(`${WORDS.join('\n')}\n`)
        .digest('hex'),
    ).toBe('2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda');
  });
});
