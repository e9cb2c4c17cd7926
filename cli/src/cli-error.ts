/** A user-facing CLI failure: printed as its message alone. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
