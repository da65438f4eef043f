/**
 * The one error type. Every failure a user can cause has a stable code; the HTTP layer
 * maps codes to statuses and the CLI maps them to exit codes, each in one place.
 */
export const ERROR_CODES = {
  bad_usage: 'the command or request is malformed',
  validation_failed: 'a value is not acceptable',
  not_found: 'no such thing',
  file_not_found: 'the file does not exist',
  unsupported_format: 'the file format is not supported',
  sheet_not_found: 'the spreadsheet has no such sheet',
  empty_file: 'the file has no header or rows',
  bad_encoding: 'the file encoding is not supported',
  malformed_csv: 'the CSV cannot be read past some line',
  mapping_failed: 'the columns could not be matched to fields',
  data_dir_locked: 'the data folder is in use by another process',
  database_unavailable: 'the database cannot be reached',
  conflict: 'the change conflicts with the current state',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Codes that mean "the caller asked wrongly" (CLI exit 2, HTTP 400) rather than "it failed". */
export function isUsageError(code: ErrorCode): boolean {
  return code === 'bad_usage';
}
