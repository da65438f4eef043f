import nodemailer from 'nodemailer';
import { z } from 'zod';
import { failure } from './http.ts';
import type { Channel, ChannelDeps, OutboundMessage, SendFailure, SendResult } from './types.ts';
import { sha256Hex } from './util.ts';

export const emailConfigSchema = z.object({
  provider: z.literal('smtp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** Implicit TLS (port 465). With false, STARTTLS is used when the server offers it. */
  secure: z.boolean().default(false),
  requireTLS: z.boolean().default(false),
  tlsRejectUnauthorized: z.boolean().default(true),
  user: z.string().optional(),
  pass: z.string().optional(),
  /** "Salon Name <hello@salon.example>" */
  from: z.string().min(3),
  replyTo: z.string().optional(),
  /** Right-hand side of Message-ID; defaults to the domain of `from`. */
  messageIdDomain: z.string().optional(),
  maxConnections: z.number().int().positive().default(5),
  maxMessages: z.number().int().positive().default(1000),
  timeoutMs: z.number().int().positive().default(30_000),
});
export type EmailConfig = z.infer<typeof emailConfigSchema>;

/**
 * The Message-ID for an idempotency key: the same key always gives the same id, so a message
 * sent twice (a retry after a lost answer) is recognisably one message to receiving servers
 * and to bounce/reply threading. Hashed so the key (which may name a customer) does not leak.
 */
export function emailMessageId(idempotencyKey: string, domain: string): string {
  return `<${sha256Hex(idempotencyKey).slice(0, 40)}@${domain}>`;
}

function domainOf(from: string): string {
  const m = /@([^\s>@]+)>?\s*$/.exec(from);
  return m?.[1] ?? 'comeback.invalid';
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
/** Headers nodemailer composes itself; passing them through would duplicate or contradict. */
const OWNED_HEADERS = new Set([
  'message-id',
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'content-type',
  'mime-version',
]);

/**
 * SMTP through nodemailer with a connection pool (`pool: true`: one TCP+TLS+AUTH per connection
 * instead of per message; ~100× the throughput of a connection per message).
 */
export class EmailChannel implements Channel {
  readonly kind = 'email' as const;
  private readonly transport;
  private readonly domain: string;

  constructor(
    private readonly config: EmailConfig,
    _deps: ChannelDeps = {},
  ) {
    this.domain = config.messageIdDomain ?? domainOf(config.from);
    this.transport = nodemailer.createTransport({
      pool: true,
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTLS,
      tls: { rejectUnauthorized: config.tlsRejectUnauthorized },
      auth: config.user !== undefined ? { user: config.user, pass: config.pass ?? '' } : undefined,
      maxConnections: config.maxConnections,
      maxMessages: config.maxMessages,
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
    });
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    if (!ADDRESS.test(msg.to)) return failure('invalid_recipient', `not an e-mail address: ${msg.to}`);
    const messageId = emailMessageId(msg.idempotencyKey, this.domain);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(msg.headers ?? {}))
      if (!OWNED_HEADERS.has(k.toLowerCase())) headers[k] = v;
    try {
      const info = await this.transport.sendMail({
        from: this.config.from,
        to: msg.to,
        replyTo: this.config.replyTo,
        subject: msg.subject ?? '',
        text: msg.text,
        html: msg.html,
        messageId,
        headers,
      });
      if (info.rejected.length > 0)
        return failure('invalid_recipient', `recipient refused: ${String(info.rejected[0])}`);
      return { ok: true, providerMessageId: messageId };
    } catch (e) {
      return smtpFailure(e as SmtpError);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}

/** Map a nodemailer error: 4xx replies and lost connections are transient, 5xx replies are final. */
export function smtpFailure(e: SmtpError): SendFailure {
  const reason = e.response ?? e.message;
  const rc = e.responseCode;
  if (e.code === 'EAUTH') return failure('auth_failed', reason);
  if (rc !== undefined && rc >= 400 && rc < 500) return failure('provider_unavailable', reason);
  if (rc !== undefined && rc >= 500) {
    if (e.command === 'RCPT TO' && rc !== 552) return failure('invalid_recipient', reason);
    return failure('rejected', reason);
  }
  if (e.code === 'ETIMEDOUT') return failure('timeout', reason);
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return failure('invalid_request', reason);
  return failure('provider_unavailable', reason);
}
