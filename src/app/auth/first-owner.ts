/**
 * The first owner of a workspace: created by `comeback start` on first run (the demo login it
 * prints) and suggested by `comeback serve` while a workspace has nobody who can sign in.
 */
import type { Database } from '../../storage/connect.ts';
import { countMembers, findUserByEmail } from '../../storage/queries/users.ts';
import type { Principal } from '../api/principal.ts';
import { recordChange } from './audit-log.ts';
import { addMember } from './members.ts';
import { generatePassword } from './passwords.ts';

/** Whoever runs the CLI on the server holds the database: they act as the workspace's owner. */
export function operatorOf(workspaceId: number): Principal {
  return { workspaceId, userId: null, role: 'owner', managerStaffId: null, keyId: null, scopes: null };
}

export async function hasMembers(db: Database, workspaceId: number): Promise<boolean> {
  return (await countMembers(db, workspaceId)) > 0;
}

/** The demo owner with a fresh random password; the e-mail is unique on the instance. */
export async function createDemoOwner(
  db: Database,
  workspaceId: number,
): Promise<{ email: string; password: string }> {
  const email = (await findUserByEmail(db, 'owner@comeback.local'))
    ? `owner+${workspaceId}@comeback.local`
    : 'owner@comeback.local';
  const password = generatePassword();
  const operator = operatorOf(workspaceId);
  const m = await addMember(db, operator, { email, name: 'Demo owner', password, role: 'owner' });
  await recordChange(db, {
    principal: operator,
    action: 'cli.user_create',
    entityId: String(m.id),
    status: null,
    body: { email, role: 'owner', password },
    ipAddress: null,
  });
  return { email, password };
}
