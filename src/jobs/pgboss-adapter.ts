/**
 * pg-boss over the `Database` we already have, for PGlite (one connection, one process: pg-boss
 * cannot open its own pool) and for jobs inserted inside one of our transactions.
 *
 * pg-boss sends three kinds of statement: one with parameters (extended protocol: fine as it
 * is), one without (also fine), and blocks of several statements without parameters (schema
 * migrations and its `locked()` maintenance, `BEGIN; …; COMMIT;`), which node-postgres runs with
 * the simple protocol but PGlite's `query` cannot. Those blocks are split here (quotes,
 * dollar-quoted bodies and comments respected) and run inside one of our transactions: the
 * simple protocol's implicit transaction, and on PGlite the transaction lock keeps our own
 * queries from landing in the middle of pg-boss's.
 */
import type { Db } from 'pg-boss';
import type { Sql } from '../app/messaging/deliver-message.ts';
import type { Database } from '../app/workspace.ts';

/** Splits SQL text into statements at top-level semicolons. */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      i++;
      while (i < n) {
        if (text[i] === c) {
          if (text[i + 1] === c) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '$') {
      const m = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (m) {
        const end = text.indexOf(m[0], i + m[0].length);
        i = end < 0 ? n : end + m[0].length;
      } else i++;
    } else if (c === ';') {
      push(out, text.slice(start, i));
      i++;
      start = i;
    } else i++;
  }
  push(out, text.slice(start));
  return out;
}

/** Adds a statement without its leading comments; one that is only comments is nothing to run. */
function push(out: string[], statement: string): void {
  let s = statement.trim();
  for (;;) {
    if (s.startsWith('--')) {
      const nl = s.indexOf('\n');
      s = nl < 0 ? '' : s.slice(nl + 1).trim();
    } else if (s.startsWith('/*')) {
      const end = s.indexOf('*/');
      s = end < 0 ? '' : s.slice(end + 2).trim();
    } else break;
  }
  if (s !== '') out.push(s);
}

const isBegin = (s: string) => /^(BEGIN|START TRANSACTION)\b/i.test(s);
const isCommit = (s: string) => /^(COMMIT|END)\b/i.test(s);

/** pg-boss's database interface over a Database (PGlite or PostgreSQL). */
export function pgBossDatabase(db: Database): Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) return { rows: await db.query(text, values) };
      const statements = splitStatements(text);
      if (statements.length <= 1)
        return { rows: statements.length === 1 ? await db.query(statements[0]!) : [] };
      let body = statements;
      if (isBegin(body[0]!)) body = body.slice(1);
      if (body.length > 0 && isCommit(body[body.length - 1]!)) body = body.slice(0, -1);
      const rows = await db.transaction(async (tx) => {
        const all: unknown[] = [];
        for (const s of body) all.push(...(await tx.query(s)));
        return all;
      });
      return { rows };
    },
  };
}

/** pg-boss's database interface over an open transaction: jobs inserted through it commit with it. */
export function pgBossTransaction(tx: Sql): Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      return { rows: await tx.query(text, values) };
    },
  };
}
