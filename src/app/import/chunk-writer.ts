/**
 * Writes imported data one chunk at a time: customers (identity resolution), catalog
 * names, orders and their lines, purchase aggregates, rejects and the batch checkpoint —
 * all in one transaction, so a chunk is either wholly in or not at all.
 */
import type { Day } from '../../core/day.ts';
import type { AssembledOrder } from '../../core/import/rows.ts';
import type { Settings } from '../../core/settings.ts';
import { centsToDecimal } from '../../core/types.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import { ensureNamed, ensureProducts } from '../../storage/queries/catalog.ts';
import {
  type BatchCounters,
  checkpointBatch,
  insertRejects,
  type RejectRow,
} from '../../storage/queries/import-batches.ts';
import {
  addToOrderAmounts,
  findOrdersByKey,
  insertOrderLines,
  insertOrders,
  type LineInsert,
  type OrderInsert,
} from '../../storage/queries/orders.ts';
import { snapshotCustomers, updateCustomers } from '../analytics/customer-aggregates.ts';
import { hasIdentity, type PersonInput, type ResolveState, resolveCustomers } from './resolve-customers.ts';

/** Writes one chunk: customers, catalog names, orders and lines, aggregates, rejects, checkpoint. */
export class ChunkWriter {
  readonly allRejects: RejectRow[] = [];
  ordersCreated = 0;
  ordersWithoutCustomer = 0;
  private readonly state: ResolveState;
  private readonly names = {
    staff: new Map<string, number>(),
    branches: new Map<string, number>(),
    categories: new Map<string, number>(),
  };
  private readonly products = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly outer: Sql,
    private readonly mode: 'per-chunk' | 'single',
    private readonly workspaceId: number,
    private readonly batchId: number | null,
    private readonly counters: BatchCounters,
    readonly settings: Settings,
    /** The day statuses are evaluated for (today in the workspace zone). */
    private readonly asOf: Day,
    /**
     * `incremental`: touched customers are re-evaluated in each chunk's transaction (orders
     * from the API). `deferred`: a bulk load; the caller evaluates everyone once at the end
     * (re-evaluating per chunk would be thrown away, and would take every historical
     * purchase for a lost customer coming back).
     */
    private readonly evaluation: 'incremental' | 'deferred' = 'incremental',
  ) {
    this.state = { batchId, created: new Set(), matched: new Set() };
    // A resumed batch starts from the counts its earlier run committed.
    this.restored = { created: counters.customersCreated, matched: counters.customersMatched };
  }
  private readonly restored: { created: number; matched: number };

  private inTransaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.mode === 'single' ? fn(this.outer) : this.db.transaction(fn);
  }

  private async ids(sql: Sql, table: 'staff' | 'branches' | 'categories', names: (string | null)[]) {
    const cache = this.names[table];
    const missing = [...new Set(names.filter((n): n is string => !!n && !cache.has(n)))];
    if (missing.length > 0)
      for (const [n, id] of await ensureNamed(sql, this.workspaceId, table, missing)) cache.set(n, id);
    return (n: string | null) => (n ? (cache.get(n) ?? null) : null);
  }

  private async finishChunk(sql: Sql, rejects: RejectRow[], lastLine: number, rows: number) {
    await insertRejectsChunk(sql, this.workspaceId, this.batchId, rejects);
    this.counters.rows += rows;
    this.counters.rejectedCount += rejects.length;
    this.counters.customersCreated = this.restored.created + this.state.created.size;
    this.counters.customersMatched = this.restored.matched + this.state.matched.size;
    if (this.batchId !== null) {
      await checkpointBatch(sql, this.workspaceId, this.batchId, lastLine, this.counters);
    }
  }

  async writeOrders(
    orders: AssembledOrder[],
    rejects: RejectRow[],
    lastLine: number,
    rows: number,
  ): Promise<void> {
    // Lines of one order that are not adjacent in the file arrive as separate groups: merge them.
    const byKey = new Map<string, AssembledOrder>();
    for (const o of orders) {
      const prev = byKey.get(o.key);
      if (prev) {
        byKey.set(o.key, mergeOrders(prev, o));
      } else byKey.set(o.key, o);
    }
    const list = [...byKey.values()];
    const snapshot = { ...this.counters };
    const created = this.ordersCreated;
    const anonymous = this.ordersWithoutCustomer;
    try {
      await this.inTransaction(async (sql) => {
        const people: PersonInput[] = [];
        const personOf: number[] = [];
        for (const o of list) {
          const k = o.customer;
          const keys = {
            external: k.externalId,
            phone: k.phone,
            email: k.email,
            telegram: k.telegram,
            whatsapp: k.whatsapp,
            vk: k.vk,
            max: k.max,
          };
          if (!hasIdentity(keys)) {
            personOf.push(-1);
            continue;
          }
          personOf.push(people.length);
          people.push({
            line: o.firstLine,
            keys,
            profile: { name: k.name, birthday: k.birthday, gender: k.gender, source: o.source },
          });
        }
        const resolved = await resolveCustomers(sql, this.workspaceId, people, this.state);
        const staffId = await this.ids(
          sql,
          'staff',
          list.flatMap((o) => [o.staff, ...o.lines.map((l) => l.staff ?? null)]),
        );
        const branchId = await this.ids(
          sql,
          'branches',
          list.map((o) => o.branch),
        );
        const categoryId = await this.ids(
          sql,
          'categories',
          list.flatMap((o) => o.lines.map((l) => l.category)),
        );
        const wantProducts = list.flatMap((o) =>
          o.lines
            .filter((l) => l.item && !this.products.has(l.item))
            .map((l) => ({ name: l.item!, categoryId: categoryId(l.category) })),
        );
        for (const [n, id] of await ensureProducts(sql, this.workspaceId, wantProducts))
          this.products.set(n, id);

        const inserts: OrderInsert[] = [];
        const lines: LineInsert[] = [];
        const amountAdds: { id: number; amount: string }[] = [];
        const toLines = (orderId: number, o: AssembledOrder, firstNo: number) =>
          o.lines.map((l, i) => ({
            orderId,
            lineNo: firstNo + i,
            productId: l.item ? (this.products.get(l.item) ?? null) : null,
            item: l.item,
            categoryId: categoryId(l.category),
            quantity: String(l.quantity),
            unitPrice: l.unitPriceCents === null ? null : centsToDecimal(l.unitPriceCents),
            amount: centsToDecimal(l.amountCents),
            staffId: staffId(l.staff ?? null),
          }));
        for (let i = 0; i < list.length; i++) {
          const o = list[i]!;
          const p = personOf[i]!;
          inserts.push({
            orderKey: o.key,
            externalId: o.externalId,
            customerId: p < 0 ? null : resolved.ids[p]!,
            orderedAt: new Date(o.at),
            orderedOn: o.day,
            amount: centsToDecimal(o.totalCents),
            cost: o.costCents === null ? null : centsToDecimal(o.costCents),
            status: o.status,
            channel: o.channel,
            source: o.source,
            staffId: staffId(o.staff),
            branchId: branchId(o.branch),
            importBatchId: this.batchId,
          });
        }
        const before =
          this.evaluation === 'incremental'
            ? await snapshotCustomers(
                sql,
                this.workspaceId,
                inserts.flatMap((o) => (o.customerId === null ? [] : [o.customerId])),
              )
            : null;
        // Insert first: on a fresh import nothing conflicts, so no lookup is needed.
        const insertedIds = await insertOrders(sql, this.workspaceId, inserts);
        const conflicted: string[] = [];
        for (const ins of inserts) {
          const id = insertedIds.get(ins.orderKey);
          const o = byKey.get(ins.orderKey)!;
          if (id === undefined) {
            conflicted.push(ins.orderKey);
            continue;
          }
          this.counters.imported += o.rowCount;
          this.ordersCreated++;
          if (ins.customerId === null) this.ordersWithoutCustomer++;
          lines.push(...toLines(id, o, 1));
        }
        const existing = await findOrdersByKey(sql, this.workspaceId, conflicted);
        for (const key of conflicted) {
          const o = byKey.get(key)!;
          const found = existing.get(key);
          if (found && this.batchId !== null && found.importBatchId === this.batchId) {
            // More lines of an order this same import already wrote (non-adjacent rows).
            lines.push(...toLines(found.id, o, found.nextLineNo));
            amountAdds.push({ id: found.id, amount: centsToDecimal(o.totalCents) });
            this.counters.imported += o.rowCount;
          } else {
            this.counters.skipped += o.rowCount;
          }
        }
        await insertOrderLines(sql, this.workspaceId, lines);
        await addToOrderAmounts(sql, this.workspaceId, amountAdds);
        if (before) await updateCustomers(sql, this.workspaceId, before, this.asOf, this.settings);
        await this.finishChunk(sql, rejects, lastLine, rows);
      });
    } catch (e) {
      Object.assign(this.counters, snapshot);
      this.ordersCreated = created;
      this.ordersWithoutCustomer = anonymous;
      throw e;
    }
    this.allRejects.push(...rejects);
  }

  async writeCustomers(
    people: (PersonInput & { managerName?: string | null })[],
    rejects: RejectRow[],
    lastLine: number,
    rows: number,
  ): Promise<void> {
    const snapshot = { ...this.counters };
    try {
      await this.inTransaction(async (sql) => {
        const managerId = await this.ids(
          sql,
          'staff',
          people.map((p) => p.managerName ?? null),
        );
        for (const p of people) p.managerId = managerId(p.managerName ?? null);
        const resolved = await resolveCustomers(sql, this.workspaceId, people, this.state);
        for (const ch of resolved.changed) {
          if (ch) this.counters.imported++;
          else this.counters.skipped++;
        }
        await this.finishChunk(sql, rejects, lastLine, rows);
      });
    } catch (e) {
      Object.assign(this.counters, snapshot);
      throw e;
    }
    this.allRejects.push(...rejects);
  }
}

async function insertRejectsChunk(
  sql: Sql,
  workspaceId: number,
  batchId: number | null,
  rejects: RejectRow[],
) {
  if (batchId !== null) await insertRejects(sql, workspaceId, batchId, rejects);
}

function mergeOrders(a: AssembledOrder, b: AssembledOrder): AssembledOrder {
  const totalCents = a.totalCents + b.totalCents;
  return {
    ...a,
    lines: [...a.lines, ...b.lines],
    totalCents,
    status: totalCents < 0 && a.status === 'completed' ? 'refunded' : a.status,
    rowCount: a.rowCount + b.rowCount,
    lastLine: Math.max(a.lastLine, b.lastLine),
  };
}
