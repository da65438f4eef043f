import { z } from 'zod';
import type { Channel, ChannelDeps, OutboundMessage, SendResult } from './types.ts';

export const logConfigSchema = z.object({
  provider: z.literal('log'),
  /** Also print one line per message to stdout. */
  print: z.boolean().default(false),
});
export type LogConfig = z.infer<typeof logConfigSchema>;

/** Development and tests: keeps every message in memory and always succeeds. */
export class LogChannel implements Channel {
  readonly kind = 'log' as const;
  /** Every message sent, in order. */
  readonly sent: OutboundMessage[] = [];

  constructor(
    private readonly config: LogConfig = { provider: 'log', print: false },
    _deps: ChannelDeps = {},
  ) {}

  async send(msg: OutboundMessage): Promise<SendResult> {
    this.sent.push(msg);
    if (this.config.print)
      process.stdout.write(
        `[channel:log] to=${msg.to} key=${msg.idempotencyKey} ${JSON.stringify(msg.text)}\n`,
      );
    return { ok: true, providerMessageId: `log:${msg.idempotencyKey}` };
  }
}
