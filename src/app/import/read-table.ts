/**
 * The I/O half of import: open a CSV or XLSX file and stream its rows as string cells.
 *
 * Format comes from the magic bytes first (a ZIP is an .xlsx whatever its name; an OLE file is
 * an old .xls and is refused), then from the extension. For CSV the encoding (UTF-8 BOM, valid
 * UTF-8, else Windows-1251) and the delimiter (`,` `;` tab) are guessed from the first 64 KiB
 * unless given. Nothing here interprets values: no trimming (except header cells), no dates,
 * no numbers — the caller maps columns and parses. Memory stays constant: one 1 MiB chunk
 * and its records at a time (an XLSX also keeps its shared-string table).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import iconv from 'iconv-lite';
import { readCsvRows } from './read-csv.ts';
import { TableError } from './read-error.ts';
import {
  type CsvDelimiter,
  cutAtUtf8Boundary,
  detectDelimiter,
  guessEncoding,
  SAMPLE_BYTES,
  sniffBom,
  sniffMagic,
  type TextEncoding,
} from './read-sniff.ts';
import { readXlsxRows } from './read-xlsx.ts';

export { TableError, type TableErrorCode } from './read-error.ts';

export interface TableRow {
  /** 1-based physical line where the record starts (header = line 1); for XLSX the sheet row number. */
  line: number;
  cells: string[];
}

export interface OpenedTable {
  format: 'csv' | 'xlsx';
  /** null for xlsx */
  encoding: 'utf8' | 'cp1251' | null;
  /** null for xlsx */
  delimiter: ',' | ';' | '\t' | null;
  /** xlsx sheet name used; null for csv */
  sheet: string | null;
  /** header cells, trimmed, BOM removed */
  headers: string[];
  /** line (csv) or sheet row (xlsx) of the header: the first non-blank one, usually 1 */
  headerLine: number;
  /**
   * Data rows, fully blank rows skipped; iterate once. A CSV that cannot be parsed past some
   * point ends the iteration by throwing a `malformed_csv` TableError (with `line`) after all
   * rows before that point were yielded.
   */
  rows: AsyncIterable<TableRow>;
  /** file size, for progress */
  bytes: number;
  /** bytes consumed so far (approximate: counted per 1 MiB chunk), for a progress bar */
  bytesRead(): number;
  /** Release the file early (e.g. after reading only the headers); iterating to the end or breaking out of the loop also releases it. */
  close(): Promise<void>;
}

export interface OpenTableOptions {
  encoding?: 'auto' | 'utf8' | 'cp1251';
  delimiter?: 'auto' | ',' | ';' | 'tab';
  /** xlsx only: sheet name (exact, else case-insensitive); default the first visible sheet */
  sheet?: string;
}

const SAVE_AS = 'Open it in Excel (or LibreOffice) and save it as .xlsx or as CSV (UTF-8).';
const REFUSED_EXTENSIONS = new Set([
  '.xlsb',
  '.ods',
  '.numbers',
  '.pdf',
  '.doc',
  '.docx',
  '.json',
  '.zip',
  '.gz',
]);
const EXCEL_EXTENSIONS = new Set(['.xls', '.xlsx', '.xlsm']);

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new TableError('not_a_file', `Not a file: ${path}`);
    return info.size;
  } catch (error) {
    if (error instanceof TableError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'File not found' : `Cannot open the file (${code ?? String(error)})`;
    throw new TableError('file_not_found', `${why}: ${path}`);
  }
}

type Detected =
  | { format: 'xlsx' }
  | { format: 'csv'; encoding: TextEncoding; delimiter: CsvDelimiter; start: number };

async function detect(path: string, size: number, options: OpenTableOptions): Promise<Detected> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const sample = head.subarray(0, bytesRead);
    const ext = extname(path).toLowerCase();
    const magic = sniffMagic(sample);

    if (REFUSED_EXTENSIONS.has(ext)) {
      throw new TableError(
        'unsupported_format',
        `Unsupported file type ${ext}: use CSV or .xlsx. ${SAVE_AS}`,
      );
    }
    if (magic === 'zip') return { format: 'xlsx' };
    if (magic === 'ole') {
      throw new TableError(
        'unsupported_format',
        `This is an old Excel 97-2003 workbook (.xls) or a password-protected one, which cannot be read. ${SAVE_AS}`,
      );
    }
    if (magic !== 'text') {
      throw new TableError(
        'unsupported_format',
        `This is a ${magic.toUpperCase()} file, not a table: use CSV or .xlsx.`,
      );
    }
    const firstChar = sample.toString('latin1', 0, 256).replace(/^(\xef\xbb\xbf)?\s*/, '')[0];
    if (EXCEL_EXTENSIONS.has(ext) && firstChar === '<') {
      throw new TableError(
        'unsupported_format',
        `This ${ext} file is really a web page or XML spreadsheet, not an Excel workbook. ${SAVE_AS}`,
      );
    }

    const bom = sniffBom(sample);
    if (bom && bom.bom !== 'utf8') {
      throw new TableError(
        'bad_encoding',
        `The file is in ${bom.bom.replace('utf', 'UTF-').replace(/(le|be)$/, (m) => ` ${m.toUpperCase()}`)} encoding, which is not supported. Save it as CSV UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)").`,
      );
    }
    const start = bom ? bom.length : 0;
    const text = sample.subarray(start);
    if (text.includes(0)) {
      throw new TableError(
        'bad_encoding',
        'The file contains NUL bytes: it is UTF-16 without a byte order mark, or not a text file. Save it as CSV UTF-8.',
      );
    }
    const truncated = start + text.length < size;
    const encoding: TextEncoding =
      options.encoding === 'utf8' || options.encoding === 'cp1251'
        ? options.encoding
        : bom
          ? 'utf8'
          : await guessEncoding(file, text, start, size);
    const delimiter: CsvDelimiter =
      options.delimiter === 'tab'
        ? '\t'
        : options.delimiter === ',' || options.delimiter === ';'
          ? options.delimiter
          : detectDelimiter(
              encoding === 'cp1251'
                ? iconv.decode(text, 'cp1251')
                : (truncated ? cutAtUtf8Boundary(text) : text).toString('utf8'),
              truncated,
            );
    return { format: 'csv', encoding, delimiter, start };
  } finally {
    await file.close();
  }
}

/** Open a CSV/XLSX file: detect its format, read the header, and hand back a row stream. */
export async function openTable(path: string, options: OpenTableOptions = {}): Promise<OpenedTable> {
  const size = await fileSize(path);
  if (size === 0) throw new TableError('empty_file', `The file is empty: ${path}`);
  const detected = await detect(path, size, options);
  const progress = { bytes: 0 };
  const meta = { sheet: null as string | null };
  const source: AsyncGenerator<TableRow> =
    detected.format === 'csv'
      ? readCsvRows({ path, ...detected }, progress)
      : readXlsxRows(path, options.sheet, progress, meta);

  let first: IteratorResult<TableRow>;
  try {
    first = await source.next();
  } catch (error) {
    await source.return(undefined);
    throw error;
  }
  if (first.done) {
    throw new TableError(
      'empty_file',
      meta.sheet ? `Sheet «${meta.sheet}» has no rows` : `The file has no rows: ${path}`,
    );
  }
  const header = first.value;
  let iterated = false;
  return {
    format: detected.format,
    encoding: detected.format === 'csv' ? detected.encoding : null,
    delimiter: detected.format === 'csv' ? detected.delimiter : null,
    sheet: meta.sheet,
    headers: header.cells.map((cell) => cell.replace(/^\uFEFF/, '').trim()),
    headerLine: header.line,
    rows: {
      [Symbol.asyncIterator]() {
        if (iterated) throw new Error('OpenedTable.rows can be iterated only once');
        iterated = true;
        return source;
      },
    },
    bytes: size,
    bytesRead: () => Math.min(progress.bytes, size),
    close: async () => {
      await source.return(undefined);
    },
  };
}

/** SHA-256 of the file's bytes, hex, streaming. */
export async function hashFile(path: string): Promise<string> {
  await fileSize(path);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
