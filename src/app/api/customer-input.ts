/** Checking and normalising customer fields and identifiers sent to the API. */
import { AppError } from '../../core/errors.ts';
import { normalizeEmail, normalizePhone } from '../../core/import/values.ts';
import type { IdentifierKind } from '../../core/types.ts';
import type { Sql } from '../../storage/connect.ts';
import type { CustomerFields } from '../../storage/queries/customer-edit.ts';
import { idsManagedBy } from '../../storage/queries/customers.ts';
import { lookupIdentifiers } from '../../storage/queries/identifiers.ts';
import { staffExists } from '../../storage/queries/staff.ts';
import { AccessError } from './access-error.ts';
import type { FieldProblem } from './context.ts';
import { type Principal, visibleManager } from './principal.ts';

export interface IdentifierInput {
  kind: IdentifierKind;
  value: string;
}

export interface CustomerInput extends CustomerFields {
  phone?: string | null;
  email?: string | null;
  externalId?: string | null;
  identifiers?: IdentifierInput[];
}

/** One identifier in its stored form, or why not. */
export function normalizeIdentifier(
  kind: IdentifierKind,
  raw: string,
  country: string,
): string | { error: string } {
  const v = raw.trim();
  if (v === '') return { error: 'must not be empty' };
  if (kind === 'phone') {
    const p = normalizePhone(v, country);
    return p.ok ? p.value : { error: p.error };
  }
  if (kind === 'email') {
    const e = normalizeEmail(v);
    return e.ok ? e.value : { error: e.error };
  }
  if (kind === 'telegram') return v.replace(/^@/, '').toLowerCase();
  return v;
}

/** The identifiers named by an input (convenience fields first), normalised; problems by field path. */
export function identifiersOfInput(
  input: Pick<CustomerInput, 'phone' | 'email' | 'externalId' | 'identifiers'>,
  country: string,
  problems: FieldProblem[],
  listPath = 'identifiers',
): IdentifierInput[] {
  const out: IdentifierInput[] = [];
  const add = (kind: IdentifierKind, raw: string, path: string) => {
    const v = normalizeIdentifier(kind, raw, country);
    if (typeof v === 'string') {
      if (!out.some((o) => o.kind === kind && o.value === v)) out.push({ kind, value: v });
    } else problems.push({ path, message: v.error });
  };
  if (input.externalId) add('external', input.externalId, 'external_id');
  if (input.phone) add('phone', input.phone, 'phone');
  if (input.email) add('email', input.email, 'email');
  input.identifiers?.forEach((i, n) => {
    add(i.kind, i.value, `${listPath}.${n}.value`);
  });
  return out;
}

export function failIfProblems(problems: FieldProblem[]): void {
  if (problems.length > 0) {
    throw new AppError(
      'validation_failed',
      problems.map((p) => `${p.path}: ${p.message}`).join('; '),
      problems,
    );
  }
}

/** `conflict` when any identifier belongs to a customer other than `self`. */
export async function checkIdentifierOwners(
  sql: Sql,
  principal: Principal,
  keys: IdentifierInput[],
  self: number | null,
): Promise<void> {
  const owners = await lookupIdentifiers(sql, principal.workspaceId, keys);
  const taken = keys
    .map((k) => ({ ...k, owner: owners.get(`${k.kind}:${k.value}`) }))
    .filter((k): k is IdentifierInput & { owner: number } => k.owner !== undefined && k.owner !== self);
  if (taken.length === 0) return;
  const scope = visibleManager(principal);
  const ownerIds = taken.map((t) => t.owner);
  const visible =
    scope === null ? new Set(ownerIds) : await idsManagedBy(sql, principal.workspaceId, ownerIds, scope);
  throw new AppError(
    'conflict',
    taken.map((t) => `${t.kind} ${t.value} belongs to another customer`).join('; '),
    {
      conflicts: taken.map((t) => ({
        kind: t.kind,
        value: t.value,
        // A manager learns the owner only when it is one of their own customers.
        customer_id: visible.has(t.owner) ? t.owner : null,
      })),
    },
  );
}

/** The manager a principal may set: checks the staff member exists; a manager may only name themself. */
export async function checkManager(
  sql: Sql,
  principal: Principal,
  managerId: number | null | undefined,
  problems: FieldProblem[],
): Promise<void> {
  if (managerId === undefined || managerId === null) {
    if (principal.role === 'manager' && managerId === null) {
      throw new AccessError('forbidden', 'a manager cannot unassign a customer');
    }
    return;
  }
  if (principal.role === 'manager' && managerId !== principal.managerStaffId) {
    throw new AccessError('forbidden', 'a manager can assign customers only to themself');
  }
  if (!(await staffExists(sql, principal.workspaceId, managerId))) {
    problems.push({ path: 'manager_id', message: `no staff member ${managerId}` });
  }
}
