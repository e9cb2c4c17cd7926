/**
 * A user-facing CLI failure: printed as its message alone, followed by its code (docs/errors.md). The default code
 * covers what the user gave the command: a flag, or a file a flag names; the message names which and why.
 */
export class CliError extends Error {
  readonly code: string;

  constructor(message: string, code = 'TT_CLI_INVALID_INPUT') {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}
