import { createHash } from 'node:crypto';
import type { AuthToken, CollectorRoutePlugin } from '@tradetrace/collector';
import { STORE_API } from '../store-access/collector-store-access.ts';
import { runStoreOperation, STORE_OPERATIONS, type StoreOperationName } from '../store-access/store-operations.ts';
import { storeErrorAnswer } from './store-error-reply.ts';

/**
 * `POST /api/v1/ops/NAME` with the operation's JSON input: runs one of the CLI's store operations
 * (store-access/store-operations.ts) on the collector's own storage and answers its JSON result, so `stats`,
 * `compare`, `report` and `versions` work on a folder while its collector runs. Registry changes need an admin
 * credential (the local one from the data folder, or an `admin:` token) and record who made them.
 */
export const storeOperationsRoute: CollectorRoutePlugin = (app, { storage, authorizer }) => {
  app.post<{ Params: { name: string } }>(`${STORE_API.operations}:name`, async (request, reply) => {
    const name = request.params.name;
    if (!Object.hasOwn(STORE_OPERATIONS, name))
      return reply.code(404).send({
        code: 'TT_QUERY_BAD_INPUT',
        message: `no store operation "${name}"; known: ${Object.keys(STORE_OPERATIONS).join(', ')}`,
      });
    const operation = name as StoreOperationName;
    let input: unknown;
    try {
      input = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : String(request.body ?? '{}'));
    } catch (error) {
      return reply
        .code(400)
        .send({ code: 'TT_QUERY_BAD_INPUT', message: `the body is not JSON: ${(error as Error).message}` });
    }
    if (STORE_OPERATIONS[operation].role === 'admin')
      input = attributed(input, authorizer.authenticateAdmin(request.headers.authorization));
    try {
      return await runStoreOperation(storage, operation, input);
    } catch (error) {
      const answer = storeErrorAnswer(error);
      if (!answer) throw error;
      return reply.code(400).send(answer);
    }
  });
};

/**
 * The audit trail names the credential: the local one belongs to the user running the collector, who could open the
 * folder directly, so the name they give stands; a configured admin token is named by a digest (never the token).
 */
function attributed(input: unknown, token: AuthToken): unknown {
  if (token.local || typeof input !== 'object' || input === null) return input;
  const digest = createHash('sha256').update(token.token).digest('hex').slice(0, 12);
  const record = input as Record<string, unknown>;
  const who = (claimed: unknown) =>
    `${typeof claimed === 'string' && claimed ? `${claimed} ` : ''}(admin token ${digest})`;
  return {
    ...record,
    ...('actor' in record ? { actor: who(record.actor) } : {}),
    ...('author' in record ? { author: who(record.author) } : {}),
  };
}
