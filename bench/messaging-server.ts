/**
 * A local provider in a process of its own (its own core, as a real provider would be), for
 * bench/messaging.ts:
 *   node --import tsx bench/messaging-server.ts smtp|telegram
 * Prints its address (SMTP port or Bot API base URL) on the first line of stdout. Each line
 * `count` on stdin is answered with the number of messages accepted so far (SMTP: messages
 * received; Telegram: sendMessage requests), so the benchmark can check that the provider got
 * exactly what the engine says it sent. Exits when stdin closes.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startSmtp } from '../test/channels/servers/smtp.ts';
import { startTelegram } from '../test/channels/servers/telegram.ts';

export const BENCH_BOT_TOKEN = '7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
export const BENCH_SMTP_USER = 'u';
export const BENCH_SMTP_PASS = 'p';

async function main(mode: string): Promise<void> {
  let count: () => number;
  if (mode === 'smtp') {
    const s = await startSmtp(BENCH_SMTP_USER, BENCH_SMTP_PASS);
    // Count without parsing: the parser would be the bottleneck, not our engine.
    s.parse = false;
    count = () => s.received;
    process.stdout.write(`${s.port}\n`);
  } else if (mode === 'telegram') {
    const s = await startTelegram(BENCH_BOT_TOKEN);
    let seen = 0;
    // Keep no history (a long run would only grow it), only the count and the violations.
    setInterval(() => {
      seen += s.requests.filter((r) => r.path.endsWith('/sendMessage')).length;
      s.requests.length = 0;
      if (s.violations.length > 0) process.stderr.write(`telegram violations: ${s.violations.join('; ')}\n`);
    }, 200).unref();
    count = () => seen + s.requests.filter((r) => r.path.endsWith('/sendMessage')).length;
    process.stdout.write(`${s.url}\n`);
  } else {
    throw new Error(`unknown server "${mode}" (smtp | telegram)`);
  }
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'count') process.stdout.write(`${count()}\n`);
  });
  lines.on('close', () => process.exit(0));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv[2] ?? '').catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
