import type { Command } from 'commander';
import { getSettings, setSetting } from '../../app/workspace.ts';
import { AppError } from '../../core/errors.ts';
import { isSettingKey, SETTING_KEYS, SETTINGS } from '../../core/settings.ts';
import { withWorkspace } from '../context.ts';
import { formatTable, printJson, printLine } from '../output.ts';

function requireKey(key: string) {
  if (!isSettingKey(key)) {
    throw new AppError('bad_usage', `unknown setting "${key}"; known: ${SETTING_KEYS.join(', ')}`);
  }
  return key;
}

export function registerSettingsCommands(program: Command): void {
  const settings = program.command('settings').description('read and change workspace settings');
  settings
    .command('set <key> <value>')
    .description(`set a setting (${SETTING_KEYS.join(', ')}); "null" unsets`)
    .option('--json', 'print the stored value as JSON')
    .action(async (key: string, value: string, opts: { json?: boolean }, cmd: Command) => {
      const k = requireKey(key);
      await withWorkspace(cmd, async (ws) => {
        const stored = await setSetting(ws.db, ws.workspaceId, k, value);
        if (opts.json) printJson({ key: k, value: stored });
        else printLine(`${k} = ${JSON.stringify(stored)}`);
      });
    });
  settings
    .command('get [key]')
    .description('print one setting, or all of them')
    .option('--json', 'print as JSON')
    .action(async (key: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const k = key === undefined ? undefined : requireKey(key);
      await withWorkspace(cmd, async (ws) => {
        const all = await getSettings(ws.db, ws.workspaceId);
        if (k) {
          if (opts.json) printJson({ key: k, value: all[k] });
          else printLine(typeof all[k] === 'string' ? String(all[k]) : JSON.stringify(all[k]));
          return;
        }
        if (opts.json) printJson(all);
        else
          printLine(
            formatTable(
              ['key', 'value', 'meaning'],
              SETTING_KEYS.map((s) => [s, JSON.stringify(all[s]), SETTINGS[s].help]),
            ),
          );
      });
    });
}
