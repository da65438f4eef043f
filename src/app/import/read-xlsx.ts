/**
 * XLSX rows, streaming (exceljs WorkbookReader): one sheet, cell values turned into strings.
 *
 * Cell → string: numbers `String(n)` (no locale); booleans `true`/`false`; rich text joined;
 * formulas → their cached result; hyperlinks → their text; errors → ''. Date-formatted cells
 * (exceljs hands them over as Dates holding the wall clock as UTC, and formula results are
 * numbers we convert the same way) → `YYYY-MM-DD HH:MM:SS`, or `YYYY-MM-DD` at midnight, or
 * `HH:MM:SS` for a pure time (serial < 1). Numbers without a date format stay numbers, so a
 * column of raw Excel serials arrives as e.g. `45356.5`.
 */
import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { TableError } from './read-error.ts';

export interface XlsxRow {
  line: number;
  cells: string[];
}

/** The parts of exceljs's streaming reader we use (its typings leave most of them out). */
interface SheetEntry {
  id?: string | number;
  name?: string;
  state?: string;
  rId?: string;
}
interface WorksheetReaderLike extends AsyncIterable<RowLike> {
  id: string | number;
  name: string;
}
interface RowLike {
  number: number;
  eachCell(options: { includeEmpty: boolean }, fn: (cell: CellLike, col: number) => void): void;
}
interface CellLike {
  value: unknown;
  numFmt?: string;
}
interface WorkbookReaderLike extends AsyncIterable<WorksheetReaderLike> {
  model?: { sheets?: SheetEntry[] };
  workbookRels?: { Id: string; Target: string }[];
  properties?: { model?: { date1904?: boolean } };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A Date holding a wall-clock time in its UTC fields, rounded to the second. */
export function formatExcelDate(d: Date): string {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) return '';
  const t = new Date(Math.round(ms / 1000) * 1000);
  const time = `${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())}:${pad2(t.getUTCSeconds())}`;
  // Excel day 0 (serial < 1) is a time of day without a date.
  if (t.getTime() < Date.UTC(1899, 11, 31) && t.getTime() >= Date.UTC(1899, 11, 30)) return time;
  const day = `${String(t.getUTCFullYear()).padStart(4, '0')}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
  return time === '00:00:00' ? day : `${day} ${time}`;
}

/** Same test exceljs applies to decide a number format shows a date. */
export function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  const f = fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhMsb]+/.test(f);
}

function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** One cell value (as exceljs gives it) as a string. */
export function cellText(value: unknown, numFmt?: string, date1904 = false): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      if (!Number.isFinite(value)) return '';
      return isDateFormat(numFmt) ? formatExcelDate(serialToDate(value, date1904)) : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) return formatExcelDate(value);
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText)) {
    return (v.richText as { text?: unknown }[])
      .map((run) => (typeof run.text === 'string' ? run.text : ''))
      .join('');
  }
  if ('formula' in v || 'sharedFormula' in v) return cellText(v.result, numFmt, date1904);
  if ('error' in v) return '';
  if ('text' in v) return cellText(v.text, numFmt, date1904);
  return '';
}

function rowCells(row: RowLike, date1904: boolean): string[] {
  const cells: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    while (cells.length < col - 1) cells.push('');
    cells[col - 1] = cellText(cell.value, cell.numFmt, date1904);
  });
  return cells;
}

function normalizeName(s: string): string {
  return s.trim().toLocaleLowerCase('ru');
}

/** Workbook-order sheet names, when workbook.xml has been read. */
function sheetNames(reader: WorkbookReaderLike): string[] {
  return (reader.model?.sheets ?? []).map((s) => s.name ?? '').filter((n) => n !== '');
}

/** The real name of a worksheet part, also when exceljs could not match its relationship. */
function worksheetName(reader: WorkbookReaderLike, ws: WorksheetReaderLike): string {
  const sheets = reader.model?.sheets ?? [];
  if (sheets.some((s) => s.name === ws.name)) return ws.name;
  const target = `worksheets/sheet${ws.id}.xml`;
  const rel = (reader.workbookRels ?? []).find((r) => r.Target.replace(/^\/?xl\//, '') === target);
  const sheet = rel && sheets.find((s) => s.rId === rel.Id);
  return sheet?.name ?? ws.name;
}

/** The sheet to read: `wanted` (exact, else case/space-insensitive), or the first visible one. */
function pickSheet(names: string[], sheets: SheetEntry[], wanted: string | undefined): string | null {
  if (wanted !== undefined) {
    if (names.includes(wanted)) return wanted;
    const loose = names.filter((n) => normalizeName(n) === normalizeName(wanted));
    return loose.length === 1 ? loose[0]! : null;
  }
  const visible = sheets.find((s) => s.name && (s.state ?? 'visible') === 'visible');
  return visible?.name ?? names[0] ?? null;
}

function sheetNotFound(wanted: string, names: string[]): TableError {
  const list = names.length > 0 ? names.map((n) => `«${n}»`).join(', ') : '(none)';
  return new TableError('sheet_not_found', `Sheet «${wanted}» not found; the workbook has: ${list}`);
}

/**
 * Non-blank rows of one sheet (header included) with their sheet row numbers. `meta.sheet`
 * is set to the chosen sheet's name before the first row is yielded.
 */
export async function* readXlsxRows(
  path: string,
  wanted: string | undefined,
  progress: { bytes: number },
  meta: { sheet: string | null },
): AsyncGenerator<XlsxRow> {
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as WorkbookReaderLike;
  const seen: string[] = [];
  let target: string | null | undefined;
  try {
    for await (const ws of reader) {
      const name = worksheetName(reader, ws);
      seen.push(name);
      const names = sheetNames(reader);
      if (target === undefined && names.length > 0) {
        target = pickSheet(names, reader.model?.sheets ?? [], wanted);
        if (target === null) throw sheetNotFound(wanted ?? '', names);
      }
      const chosen =
        target === undefined ? (wanted === undefined ? name : pickSheet([name], [], wanted)) : target;
      if (chosen !== name) continue;
      meta.sheet = name;
      const date1904 = reader.properties?.model?.date1904 === true;
      for await (const row of ws) {
        progress.bytes = stream.bytesRead;
        const cells = rowCells(row, date1904);
        if (cells.some((c) => c.trim() !== '')) yield { line: row.number, cells };
      }
      return;
    }
  } catch (error) {
    if (error instanceof TableError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new TableError('malformed_xlsx', `Could not read the workbook: ${message}`);
  } finally {
    progress.bytes = stream.bytesRead;
    stream.destroy();
  }
  if (wanted !== undefined)
    throw sheetNotFound(wanted, sheetNames(reader).length ? sheetNames(reader) : seen);
  throw new TableError('malformed_xlsx', 'The workbook has no worksheets (is it really an .xlsx file?)');
}
