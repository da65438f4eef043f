/** Why a table file could not be opened or read to the end. */
export type TableErrorCode =
  | 'file_not_found'
  | 'not_a_file'
  | 'unsupported_format'
  | 'sheet_not_found'
  | 'empty_file'
  | 'bad_encoding'
  | 'malformed_csv'
  | 'malformed_xlsx';

/**
 * A file-level problem: the whole file (or, for `malformed_csv`, everything from `line` on)
 * cannot be read. Messages are written for the person who exported the file.
 */
export class TableError extends Error {
  override readonly name = 'TableError';
  readonly code: TableErrorCode;
  /** 1-based physical line (CSV) or sheet row (XLSX) where the problem starts, when known. */
  readonly line: number | null;

  constructor(code: TableErrorCode, message: string, line: number | null = null) {
    super(message);
    this.code = code;
    this.line = line;
  }
}
