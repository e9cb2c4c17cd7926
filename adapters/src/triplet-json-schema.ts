/**
 * JSON Schema (draft 2020-12) of one triplet, as docs/triplets.md publishes it; a test keeps the two identical and
 * validates every export against it.
 */
export const TRIPLET_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://tradetrace.dev/schemas/triplet.json',
  title: 'tradetrace triplet',
  type: 'object',
  additionalProperties: false,
  required: ['decision_id', 'trace_id', 'span_id', 'timestamp', 'service_name', 'bot_id', 'strategy_name', 'strategy_version', 'strategy_config', 'symbol', 'exchange', 'mode', 'decision', 'context', 'reward', 'outcome', 'episode'],
  properties: {
    decision_id: { type: 'string', minLength: 1 },
    trace_id: { type: 'string', pattern: '^[0-9a-f]{32}$' },
    span_id: { type: 'string', pattern: '^[0-9a-f]{16}$' },
    timestamp: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z$' },
    service_name: { type: 'string' },
    bot_id: { type: 'string' },
    strategy_name: { type: 'string' },
    strategy_version: { type: 'string' },
    strategy_config: {},
    symbol: { type: 'string' },
    exchange: { type: 'string' },
    mode: { type: 'string' },
    decision: {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'kind', 'confidence', 'size', 'llm_calls'],
      properties: {
        action: { type: 'string' },
        kind: { type: 'string' },
        confidence: { type: ['number', 'null'] },
        size: { type: ['number', 'null'] },
        llm_calls: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['model', 'provider', 'input_messages', 'output_messages', 'input_tokens', 'output_tokens'],
            properties: {
              model: { type: 'string' },
              provider: { type: 'string' },
              input_messages: {},
              output_messages: {},
              input_tokens: { type: ['number', 'null'] },
              output_tokens: { type: ['number', 'null'] },
            },
          },
        },
      },
    },
    context: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    reward: {
      type: 'object',
      additionalProperties: false,
      required: ['value', 'components', 'kind', 'match', 'count'],
      properties: {
        value: { type: ['number', 'null'] },
        components: { type: 'object', additionalProperties: { type: 'number' } },
        kind: { type: ['string', 'null'] },
        match: { enum: ['decision_id', 'link', 'ancestor', 'time', 'none'] },
        count: { type: 'integer', minimum: 0 },
      },
    },
    outcome: {
      type: 'object',
      additionalProperties: false,
      required: ['orders', 'filled_amount', 'realized_pnl', 'realized_return', 'horizon_s', 'price_at_horizon', 'market_return'],
      properties: {
        orders: { type: 'integer', minimum: 0 },
        filled_amount: { type: 'number' },
        realized_pnl: { type: ['number', 'null'] },
        realized_return: { type: ['number', 'null'] },
        horizon_s: { type: ['number', 'null'], exclusiveMinimum: 0 },
        price_at_horizon: { type: ['number', 'null'] },
        market_return: { type: ['number', 'null'] },
      },
    },
    episode: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'step', 'discounted_return'],
      properties: {
        id: { type: ['string', 'null'] },
        step: { type: ['integer', 'null'], minimum: 0 },
        discounted_return: { type: ['number', 'null'] },
      },
    },
  },
} as const;
