import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ImportSummary, importFile } from '../../app/import/import-file.ts';
import type { ImportKind } from '../../core/import/headers.ts';
import { withWorkspace } from '../context.ts';
import { formatTable, log, printJson, printLine, progressBar } from '../output.ts';

function collectMap(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1)
    throw new InvalidArgumentError(`expected field=Column, got "${value}"`);
  return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1).trim() };
}

interface ImportCliOptions {
  map: Record<string, string>;
  encoding: 'auto' | 'utf8' | 'cp1251';
  delimiter: 'auto' | ',' | ';' | 'tab';
  dateFormat?: string;
  sheet?: string;
  dryRun?: boolean;
  json?: boolean;
  chunkSize?: number;
  verbose?: boolean;
}

function parseChunk(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    throw new InvalidArgumentError(`expected 1..1000000, got "${v}"`);
  return n;
}

export function registerImportCommands(program: Command): void {
  const imp = program.command('import').description('import customers or orders from a CSV or XLSX export');
  for (const kind of ['customers', 'orders'] as const) {
    imp
      .command(`${kind} <file>`)
      .description(`import ${kind} from FILE (CSV or XLSX); importing the same file twice adds nothing`)
      .option('--map <field=Column>', 'use Column for field (repeatable)', collectMap, {})
      .addOption(
        new Option('--encoding <enc>', 'file encoding').choices(['auto', 'utf8', 'cp1251']).default('auto'),
      )
      .addOption(
        new Option('--delimiter <d>', 'CSV delimiter').choices(['auto', ',', ';', 'tab']).default('auto'),
      )
      .option(
        '--date-format <fmt>',
        'auto | DD.MM.YYYY | MM/DD/YYYY | YYYY-MM-DD (default: workspace setting)',
      )
      .option('--sheet <name>', 'XLSX sheet name (default: the first sheet)')
      .option('--dry-run', 'check everything and report, write nothing')
      .option('--chunk-size <n>', 'rows per transaction (default 5000)', parseChunk)
      .option('--verbose', 'log each committed chunk to stderr')
      .option('--json', 'print the summary as JSON')
      .action(async (file: string, opts: ImportCliOptions, cmd: Command) => {
        await withWorkspace(cmd, async (ws) => {
          const bar = progressBar(`importing ${kind}`);
          const summary = await importFile(ws.db, ws.workspaceId, {
            kind: kind as ImportKind,
            path: file,
            map: opts.map,
            encoding: opts.encoding,
            delimiter: opts.delimiter,
            ...(opts.dateFormat ? { dateFormat: opts.dateFormat } : {}),
            ...(opts.sheet ? { sheet: opts.sheet } : {}),
            dryRun: Boolean(opts.dryRun),
            ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
            ...(opts.verbose ? { afterChunk: (line: number) => log(`committed through line ${line}`) } : {}),
            onProgress: (p) => bar.update(p.bytesRead, p.bytes, `${p.rows.toLocaleString('en')} rows`),
          });
          bar.end();
          logFileFacts(summary);
          if (opts.json) printJson(summary);
          else printSummary(summary);
        });
      });
  }
}

/** How the file was read: on stderr, so it shows with --json too without touching stdout. */
function logFileFacts(s: ImportSummary): void {
  log(
    `read ${s.file} (${s.format}${s.encoding ? `, ${s.encoding}` : ''}${s.delimiter ? `, delimiter ${s.delimiter}` : ''}${s.sheet ? `, sheet ${s.sheet}` : ''}, dates ${s.date_format})`,
  );
  log(
    `columns: ${Object.entries(s.columns)
      .map(([f, h]) => `${f}←${h}`)
      .join(', ')}`,
  );
  if (s.ignored_columns.length > 0) log(`ignored columns: ${s.ignored_columns.join(', ')}`);
  if (s.resumed_from_line) log(`resumed an interrupted import after line ${s.resumed_from_line}`);
}

function printSummary(s: ImportSummary): void {
  const what = s.kind === 'orders' ? 'orders' : 'customers';
  printLine(`${s.dry_run ? 'Dry run — nothing written. ' : ''}Import of ${what} from ${s.file}`);
  printLine(
    formatTable(
      [
        'rows',
        'imported',
        'already there',
        'rejected',
        'customers new',
        'customers matched',
        ...(s.kind === 'orders' ? ['orders new'] : []),
      ],
      [
        [
          s.rows,
          s.imported,
          s.skipped,
          s.rejected.length,
          s.customers_created,
          s.customers_matched,
          ...(s.kind === 'orders' ? [s.orders_created] : []),
        ],
      ],
    ),
  );
  if (s.orders_without_customer > 0) {
    printLine(
      `${s.orders_without_customer} orders have no customer identity: kept as anonymous sales, not counted in customer metrics`,
    );
  }
  if (s.rejected.length > 0) {
    printLine('\nRejected rows (header = line 1):');
    const shown = s.rejected.slice(0, 50);
    printLine(
      formatTable(
        ['line', 'column', 'reason'],
        shown.map((r) => [r.line, r.column, r.reason]),
      ),
    );
    if (s.rejected.length > shown.length)
      printLine(`… and ${s.rejected.length - shown.length} more (use --json for all)`);
  }
}
