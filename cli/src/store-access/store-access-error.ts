/** Codes of the store-access layer (docs/errors.md): where a command's data lives and how to reach it. */
export type StoreAccessErrorCode =
  | 'TT_CLI_NO_STORE'
  | 'TT_CLI_COLLECTOR_UNREACHABLE'
  | 'TT_CLI_COLLECTOR_FAILED'
  | 'TT_QUERY_BAD_INPUT'
  | 'TT_QUERY_BAD_FILTER';

/** A failure to reach or use the store; its message says what and what to do. */
export class StoreAccessError extends Error {
  readonly code: StoreAccessErrorCode;

  constructor(code: StoreAccessErrorCode, message: string) {
    super(message);
    this.name = 'StoreAccessError';
    this.code = code;
  }
}
