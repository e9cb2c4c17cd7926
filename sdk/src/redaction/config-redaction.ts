import { redactionMarker, type SecretRedactor } from './secret-redactor.ts';

/**
 * A JSON value with its secrets scrubbed the way span attributes are: values under secret-looking keys (at any depth)
 * are replaced, strings are scrubbed of secret-looking text. Attribute redaction sees a config only as one string
 * and could not tell `{"apiKey": "…"}` from any other text, so configs are redacted by structure first.
 */
export function redactJsonValue(redactor: SecretRedactor, value: unknown): unknown {
  if (!redactor.enabled) return value;
  if (typeof value === 'string') return redactor.redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactJsonValue(redactor, item));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    out[key] = redactor.isSecretKey(key) && item !== null ? redactionMarker('secret') : redactJsonValue(redactor, item);
  return out;
}
