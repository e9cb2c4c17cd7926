/**
 * The bot's telemetry file, loaded before the bot (`node --import ./node-sdk-telemetry.ts node-sdk-bot.ts`) as
 * OpenTelemetry's Node docs prescribe for ES modules: the module hook lets instrumentation-http patch `node:http`
 * for the bot's `import`s, and the NodeSDK is running before any of them is evaluated.
 *
 * Environment: TRADETRACE_TEST_COLLECTOR, the collector's base URL.
 */
import { register } from 'node:module';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { init } from '../../src/index.ts';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

export const tt = init({
  serviceName: 'sol-bot',
  botId: 'bot-7',
  endpoint: process.env.TRADETRACE_TEST_COLLECTOR!,
  useGlobalProvider: true,
  scheduledDelayMillis: 50,
});
export const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'service.name': 'app-name', 'app.team': 'desk-3' }),
  spanProcessors: [...tt.spanProcessors],
  instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()],
});
sdk.start();
