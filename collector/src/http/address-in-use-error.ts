/** The port the collector should listen on is taken by another program. */
export class AddressInUseError extends Error {
  readonly code = 'TT_COLLECTOR_ADDRESS_IN_USE';

  constructor(host: string, port: number) {
    super(
      `${host}:${port} is taken by another program (another collector?); stop it, or choose another port with --port (0 picks a free one)`,
    );
    this.name = 'AddressInUseError';
  }
}
