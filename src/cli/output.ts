/** Output helpers: JSON on stdout, human text on stdout, everything else on stderr. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

export function printError(code: string, message: string, details?: unknown): void {
  process.stderr.write(`error [${code}]: ${message}\n`);
  if (details && typeof details === 'object' && 'headers' in details) {
    process.stderr.write(`  headers seen: ${(details as { headers: string[] }).headers.join(' | ')}\n`);
  }
}

/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export function progressBar(label: string): {
  update(done: number, total: number, extra?: string): void;
  end(): void;
} {
  const tty = process.stderr.isTTY;
  let drawn = false;
  return {
    update(done, total, extra = '') {
      if (!tty) return;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const width = 30;
      const filled = Math.round(share * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      process.stderr.write(`\r${label} ${bar} ${(share * 100).toFixed(0).padStart(3)}% ${extra}\x1b[K`);
      drawn = true;
    },
    end() {
      if (tty && drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

/** A plain text table with aligned columns. */
export function formatTable(headers: string[], rows: (string | number | null)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (c ?? '').padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
