/**
 * CSV rows, streaming: file → (Windows-1251 decoder) → csv-parse → rows of string cells.
 *
 * Line numbers are counted here rather than taken from csv-parse's `info.lines`, which counts
 * a CRLF inside a quoted field as two lines. Every record ends with exactly one line break
 * (`\r\n`, `\n` or `\r` are all accepted as record delimiters), and any other break in the
 * record is inside a quoted cell, so a record starting on line L ends on L + breaks(cells).
 * Blank lines come through as records too (one empty cell) and are counted, then skipped.
 */
import { createReadStream } from 'node:fs';
import { type CsvError, type Parser, parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { TableError } from './read-error.ts';
import type { CsvDelimiter, TextEncoding } from './read-sniff.ts';

export interface CsvRow {
  line: number;
  cells: string[];
}

export interface CsvSource {
  path: string;
  /** Byte offset to start at (past a BOM). */
  start: number;
  encoding: TextEncoding;
  delimiter: CsvDelimiter;
}

/** Longest record csv-parse may buffer (characters); beyond it is almost surely an unclosed quote. */
export const MAX_RECORD_CHARS = 4 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
const NON_SPACE = /\S/;

/** Physical line breaks in a cell: `\r\n`, lone `\r` and lone `\n` count one each. */
function lineBreaks(cell: string): number {
  if (cell.indexOf('\n') === -1 && cell.indexOf('\r') === -1) return 0;
  let n = 0;
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (cell.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

function reason(error: unknown): string {
  const code = (error as Partial<CsvError>)?.code;
  if (code === 'CSV_QUOTE_NOT_CLOSED') {
    return 'a quoted field starts here and is never closed (a stray " character?)';
  }
  if (code === 'CSV_MAX_RECORD_SIZE') {
    return `a record starting here is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MB (probably an unclosed " quote)`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * All non-blank records of the file, the header included, each with the physical line it
 * starts on. `progress.bytes` is advanced as the file is consumed. A parse error ends the
 * iteration with a `malformed_csv` TableError after every record before it was yielded.
 */
export async function* readCsvRows(source: CsvSource, progress: { bytes: number }): AsyncGenerator<CsvRow> {
  const stream = createReadStream(source.path, { start: source.start, highWaterMark: CHUNK_BYTES });
  const decoder = source.encoding === 'cp1251' ? iconv.getDecoder('cp1251') : null;
  let failure: unknown = null;
  const parser: Parser = parse({
    delimiter: source.delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_CHARS,
  });
  parser.on('error', (error) => {
    failure ??= error;
  });
  // Records are taken out of the parser with read() right after each write: the parser is
  // never piped or async-iterated, because a stream that fails discards what it buffered and
  // the rows before a bad one must not be lost (read() still returns them after the error).
  let batch: string[][] = [];
  const drain = () => {
    for (let record = parser.read(); record !== null; record = parser.read()) batch.push(record as string[]);
  };
  const write = (input: string | Buffer) =>
    new Promise<void>((resolve) => {
      parser.write(input, () => resolve());
      drain(); // a full readable buffer holds the write callback back until it is read
    });
  const finish = () =>
    new Promise<void>((resolve) => {
      if (failure) return resolve();
      parser.once('error', () => resolve());
      parser.end(() => resolve());
      drain();
    });

  let line = 1;
  progress.bytes = source.start;
  try {
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let done = false;
    while (!done) {
      const next = await chunks.next();
      if (next.done) {
        const tail = decoder?.end();
        if (tail) await write(tail);
        await finish();
        done = true;
      } else {
        progress.bytes += next.value.length;
        await write(decoder ? decoder.write(next.value) : next.value);
      }
      drain();
      const records = batch;
      batch = [];
      for (let r = 0; r < records.length; r++) {
        const cells = records[r]!;
        const start = line;
        let blank = true;
        let breaks = 0;
        for (let c = 0; c < cells.length; c++) {
          const cell = cells[c]!;
          if (cell.length === 0) continue;
          if (blank && NON_SPACE.test(cell)) blank = false;
          breaks += lineBreaks(cell);
        }
        line = start + 1 + breaks;
        if (!blank) yield { line: start, cells };
      }
      if (failure) {
        throw new TableError('malformed_csv', `Malformed CSV at line ${line}: ${reason(failure)}`, line);
      }
    }
  } finally {
    stream.destroy();
    parser.destroy();
  }
}
