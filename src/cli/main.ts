/**
 * `bin/comeback`: argv parsing and output only; every command calls an app use-case.
 * Contract (PRODUCT.md "The command line"): --json prints one JSON document on stdout
 * and nothing else there; progress and logs go to stderr; exit 0 success, 1 failure,
 * 2 bad usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { readEnv } from '../config.ts';
import { AppError, isUsageError } from '../core/errors.ts';
import { registerAnalyticsCommands } from './commands/analytics.ts';
import { registerDemoCommands } from './commands/demo.ts';
import { registerImportCommands } from './commands/import.ts';
import { registerServeCommands } from './commands/serve.ts';
import { registerSettingsCommands } from './commands/settings.ts';
import { registerUserCommands } from './commands/user.ts';
import { printError } from './output.ts';

export function buildProgram(): Command {
  const env = readEnv();
  const program = new Command('comeback')
    .description('Comeback — the retention CRM that brings customers back')
    .addOption(
      new Option('--data-dir <dir>', 'embedded database folder (env COMEBACK_DATA_DIR)').default(
        env.COMEBACK_DATA_DIR ?? './comeback-data',
      ),
    )
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL, wins over --data-dir (env DATABASE_URL)'))
    .addOption(
      new Option('--workspace <name>', 'workspace name (env COMEBACK_WORKSPACE)').default(
        env.COMEBACK_WORKSPACE ?? 'default',
      ),
    )
    .showHelpAfterError()
    .exitOverride();
  program.configureOutput({
    writeOut: (s) => process.stdout.write(s),
    writeErr: (s) => process.stderr.write(s),
  });
  registerImportCommands(program);
  registerSettingsCommands(program);
  registerDemoCommands(program);
  registerAnalyticsCommands(program);
  registerServeCommands(program);
  registerUserCommands(program);
  // Subcommands inherit exitOverride so usage errors reach our handler as CommanderError.
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  program.setOptionValueWithSource('databaseUrl', env.DATABASE_URL, 'env');
  return program;
}

export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0)
        return 0;
      return 2;
    }
    if (e instanceof AppError) {
      printError(e.code, e.message, e.details);
      return isUsageError(e.code) ? 2 : 1;
    }
    printError('internal', e instanceof Error ? e.message : String(e));
    if (readEnv().COMEBACK_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

const code = await run(process.argv);
// Flush stdout before exiting: a large --json document must not be cut off.
process.stdout.write('', () => process.exit(code));
