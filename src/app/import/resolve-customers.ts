/**
 * Identity resolution for a chunk of imported rows: find each row's customer by
 * external id, then phone, then e-mail (then messenger ids), create the ones nobody
 * knows, bind new identifiers, fill empty profile fields — and never overwrite a
 * different value silently: the offered value goes to the customer's timeline.
 */
import type { IdentifierKind } from '../../core/types.ts';
import type { Sql } from '../../storage/connect.ts';
import {
  allocateCustomerIds,
  type CustomerProfile,
  insertCustomers,
  loadProfiles,
  patchCustomers,
} from '../../storage/queries/customers.ts';
import { type EventInsert, insertEvents } from '../../storage/queries/events.ts';
import { insertIdentifiers, lookupIdentifiers } from '../../storage/queries/identifiers.ts';

/** Identifiers in match priority order (PRODUCT.md: external id, then phone, then e-mail). */
const MATCH_ORDER: IdentifierKind[] = ['external', 'phone', 'email', 'telegram', 'whatsapp', 'vk', 'max'];

export type PersonKeys = Partial<Record<IdentifierKind, string | null>>;

export interface PersonInput {
  line: number;
  keys: PersonKeys;
  profile: Partial<CustomerProfile>;
  managerId?: number | null;
}

export interface ResolveState {
  batchId: number | null;
  /** Customers created by this import run (so a later chunk's match is not "matched"). */
  created: Set<number>;
  /** Existing customers this run matched. */
  matched: Set<number>;
}

export interface Resolved {
  /** Customer id per input, or null when the input had no identifier at all. */
  ids: (number | null)[];
  /** Per input: did the row add anything (new customer, identifier or filled field)? */
  changed: boolean[];
}

const PROFILE_KEYS = ['name', 'birthday', 'gender', 'source', 'need', 'preferredChannel'] as const;

export function hasIdentity(keys: PersonKeys): boolean {
  return MATCH_ORDER.some((k) => keys[k]);
}

export async function resolveCustomers(
  sql: Sql,
  workspaceId: number,
  people: PersonInput[],
  state: ResolveState,
): Promise<Resolved> {
  const wanted: { kind: IdentifierKind; value: string }[] = [];
  const seen = new Set<string>();
  for (const p of people) {
    for (const kind of MATCH_ORDER) {
      const v = p.keys[kind];
      if (!v) continue;
      const k = `${kind}:${v}`;
      if (!seen.has(k)) {
        seen.add(k);
        wanted.push({ kind, value: v });
      }
    }
  }
  const owner = await lookupIdentifiers(sql, workspaceId, wanted);

  // Provisional customers are negative numbers until real ids are allocated.
  let nextProvisional = -1;
  const ids: (number | null)[] = [];
  const changed: boolean[] = [];
  const bindings: { kind: IdentifierKind; value: string; customerId: number; line: number }[] = [];
  const events: EventInsert[] = [];
  const pendingConflicts: {
    customerId: number;
    line: number;
    kind: IdentifierKind;
    value: string;
    owner: number;
  }[] = [];

  const provisionalSeen = new Set<number>();
  for (const p of people) {
    let id: number | null = null;
    for (const kind of MATCH_ORDER) {
      const v = p.keys[kind];
      if (v && owner.has(`${kind}:${v}`)) {
        id = owner.get(`${kind}:${v}`)!;
        break;
      }
    }
    if (id === null) {
      if (!hasIdentity(p.keys)) {
        ids.push(null);
        changed.push(false);
        continue;
      }
      id = nextProvisional--;
    }
    let rowChanged = false;
    if (id < 0 && !provisionalSeen.has(id)) {
      provisionalSeen.add(id);
      rowChanged = true;
    }
    for (const kind of MATCH_ORDER) {
      const v = p.keys[kind];
      if (!v) continue;
      const k = `${kind}:${v}`;
      const current = owner.get(k);
      if (current === undefined) {
        owner.set(k, id);
        bindings.push({ kind, value: v, customerId: id, line: p.line });
        rowChanged = true;
      } else if (current !== id) {
        // The row names an identifier that belongs to someone else: keep it there.
        pendingConflicts.push({ customerId: id, line: p.line, kind, value: v, owner: current });
      }
    }
    ids.push(id);
    changed.push(rowChanged);
  }

  // Allocate real ids and create the new customers with the first profile seen for each.
  const provisional = [...new Set(ids.filter((x): x is number => x !== null && x < 0))].sort((a, b) => b - a);
  const real = await allocateCustomerIds(sql, provisional.length);
  const realOf = new Map<number, number>(provisional.map((p, i) => [p, real[i]!]));
  const fix = (x: number) => (x < 0 ? realOf.get(x)! : x);
  const createdNow = new Set(real);
  for (let i = 0; i < ids.length; i++) if (ids[i] !== null) ids[i] = fix(ids[i]!);

  const newProfiles = new Map<number, CustomerProfile & { managerId: number | null }>();
  const existingIds = new Set<number>();
  for (let i = 0; i < people.length; i++) {
    const id = ids[i];
    if (id === null || id === undefined) continue;
    if (createdNow.has(id)) {
      if (!newProfiles.has(id)) {
        const p = people[i]!;
        newProfiles.set(id, {
          name: p.profile.name ?? null,
          birthday: p.profile.birthday ?? null,
          gender: p.profile.gender ?? null,
          source: p.profile.source ?? null,
          need: p.profile.need ?? null,
          preferredChannel: p.profile.preferredChannel ?? null,
          tags: p.profile.tags ?? [],
          managerId: p.managerId ?? null,
        });
      }
    } else {
      existingIds.add(id);
    }
  }
  await insertCustomers(
    sql,
    workspaceId,
    [...newProfiles].map(([id, p]) => ({ id, ...p })),
  );
  for (const id of newProfiles.keys()) state.created.add(id);
  for (const id of existingIds) if (!state.created.has(id)) state.matched.add(id);

  const notBound = await insertIdentifiers(
    sql,
    workspaceId,
    bindings.map((b) => ({ kind: b.kind, value: b.value, customerId: fix(b.customerId) })),
  );
  for (const nb of notBound) {
    events.push({
      customerId: nb.customerId,
      type: 'identifier_conflict',
      data: {
        kind: nb.kind,
        value: nb.value,
        reason: 'already bound to another customer',
        batch: state.batchId,
      },
    });
  }
  for (const c of pendingConflicts) {
    events.push({
      customerId: fix(c.customerId),
      type: 'identifier_conflict',
      data: {
        kind: c.kind,
        value: c.value,
        owner: fix(c.owner),
        line: c.line,
        batch: state.batchId,
        reason: 'the row names an identifier of another customer',
      },
    });
  }

  // Fill empty fields; record conflicting values instead of overwriting them.
  const current = await loadProfiles(sql, workspaceId, [...existingIds]);
  for (const [id, p] of newProfiles) current.set(id, p);
  const patches = new Map<number, Partial<CustomerProfile> & { managerId?: number | null }>();
  for (let i = 0; i < people.length; i++) {
    const id = ids[i];
    if (id === null || id === undefined) continue;
    const have = current.get(id);
    if (!have) continue;
    const p = people[i]!;
    const patch = patches.get(id) ?? {};
    for (const f of PROFILE_KEYS) {
      const offered = p.profile[f];
      if (offered === null || offered === undefined || offered === '') continue;
      const kept = have[f];
      if (kept === null || kept === undefined) {
        have[f] = offered;
        patch[f] = offered;
        changed[i] = true;
      } else if (String(kept).toLowerCase() !== String(offered).toLowerCase()) {
        events.push({
          customerId: id,
          type: 'field_conflict',
          data: { field: f, kept, offered, line: p.line, batch: state.batchId },
        });
      }
    }
    const tags = p.profile.tags ?? [];
    const newTags = tags.filter((t) => !have.tags.includes(t));
    if (newTags.length > 0) {
      have.tags = [...have.tags, ...newTags];
      patch.tags = [...(patch.tags ?? []), ...newTags];
      changed[i] = true;
    }
    if (p.managerId && have.managerId === null) {
      have.managerId = p.managerId;
      patch.managerId = p.managerId;
      changed[i] = true;
    }
    if (Object.keys(patch).length > 0 && !newProfiles.has(id)) patches.set(id, patch);
  }
  await patchCustomers(
    sql,
    workspaceId,
    [...patches].map(([id, fields]) => ({ id, fields })),
  );
  await insertEvents(sql, workspaceId, events);
  return { ids, changed };
}
