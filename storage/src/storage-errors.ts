/** Error codes of the storage layer; callers branch on `code`, never on the message. */
export type StorageErrorCode =
  | 'TT_STORAGE_DATA_PATH_LOCKED'
  | 'TT_STORAGE_DATA_PATH_UNUSABLE'
  | 'TT_STORAGE_BAD_OPTIONS'
  | 'TT_STORAGE_MIGRATION_FAILED'
  | 'TT_STORAGE_ENGINE_UNAVAILABLE';

export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
  }
}
