/**
 * `user create|list|password`: the people who sign in to the web app. The CLI acts as the
 * workspace's owner (whoever runs it holds the database); every change is written to the audit
 * log as the command line.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ROLES, type Role } from '../../app/api/principal.ts';
import { recordChange } from '../../app/auth/audit-log.ts';
import { operatorOf } from '../../app/auth/first-owner.ts';
import { addMember, listMembers, setMemberPassword, userIdByEmail } from '../../app/auth/members.ts';
import { generatePassword } from '../../app/auth/passwords.ts';
import { AppError } from '../../core/errors.ts';
import { withWorkspace } from '../context.ts';
import { formatTable, log, printJson, printLine } from '../output.ts';

function parseId(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected an id, got "${v}"`);
  return n;
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('people who sign in to the web app, and their roles');

  user
    .command('create')
    .description('add a user to the workspace (prints a generated password when --password is not given)')
    .requiredOption('--email <email>', 'their e-mail: the sign-in name')
    .option('--password <password>', 'the initial password (8 to 128 characters)')
    .option('--name <name>', 'how the app greets them (default: the part of the e-mail before @)')
    .addOption(new Option('--role <role>', 'what they may do').choices([...ROLES]).default('owner'))
    .option('--staff <staffId>', 'for a manager: the staff id whose customers they see', parseId)
    .option('--json', 'print JSON')
    .action(
      async (
        opts: { email: string; password?: string; name?: string; role: Role; staff?: number; json?: boolean },
        cmd: Command,
      ) => {
        await withWorkspace(cmd, async (ws) => {
          const password = opts.password ?? generatePassword();
          const operator = operatorOf(ws.workspaceId);
          const m = await addMember(ws.db, operator, {
            email: opts.email,
            name: opts.name ?? null,
            password,
            role: opts.role,
            staffId: opts.staff ?? null,
          });
          await recordChange(ws.db, {
            principal: operator,
            action: 'cli.user_create',
            entityId: String(m.id),
            status: null,
            body: { email: m.email, role: m.role, staff_id: m.staffId, password },
            ipAddress: null,
          });
          const generated = opts.password === undefined;
          if (opts.json)
            printJson({
              id: m.id,
              email: m.email,
              name: m.name,
              role: m.role,
              staff_id: m.staffId,
              ...(generated ? { password } : {}),
            });
          else {
            printLine(
              `${m.email} (${m.role}${m.staffName ? `, sees ${m.staffName}'s customers` : ''}) added`,
            );
            if (generated) printLine(`Password (shown once): ${password}`);
          }
        });
      },
    );

  user
    .command('list')
    .description('list the members of the workspace')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const rows = await listMembers(ws.db, operatorOf(ws.workspaceId));
        if (opts.json)
          printJson(
            rows.map((m) => ({
              id: m.id,
              email: m.email,
              name: m.name,
              role: m.role,
              staff_id: m.staffId,
              staff_name: m.staffName,
              member_since: m.memberSince,
            })),
          );
        else if (rows.length === 0)
          log('no users yet: add the owner with `comeback user create --email <e-mail>`');
        else
          printLine(
            formatTable(
              ['id', 'email', 'name', 'role', 'manager of', 'member since'],
              rows.map((m) => [m.id, m.email, m.name, m.role, m.staffName, m.memberSince]),
            ),
          );
      });
    });

  user
    .command('password')
    .description(
      "set a user's password (prints a generated one when --password is not given); signs them out",
    )
    .requiredOption('--email <email>', 'the user')
    .option('--password <password>', 'the new password (8 to 128 characters)')
    .option('--json', 'print JSON')
    .action(async (opts: { email: string; password?: string; json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const userId = await userIdByEmail(ws.db, opts.email);
        if (userId === null) throw new AppError('not_found', `no user ${opts.email}`);
        const password = opts.password ?? generatePassword();
        const operator = operatorOf(ws.workspaceId);
        await setMemberPassword(ws.db, operator, userId, password);
        await recordChange(ws.db, {
          principal: operator,
          action: 'cli.user_password',
          entityId: String(userId),
          status: null,
          body: { password },
          ipAddress: null,
        });
        const generated = opts.password === undefined;
        if (opts.json)
          printJson({ id: userId, email: opts.email.toLowerCase(), ...(generated ? { password } : {}) });
        else {
          log(`password of ${opts.email} set; their sessions ended`);
          if (generated) printLine(`Password (shown once): ${password}`);
        }
      });
    });
}
