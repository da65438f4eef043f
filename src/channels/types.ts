/**
 * The one shape every channel adapter has (ARCHITECTURE.md: "channels/ one Channel interface").
 * An adapter turns an OutboundMessage into one provider call and the provider's answer into a
 * SendResult; it never throws for a provider or network failure, only for a programming error.
 * Retrying, budgets and consent live above (app/jobs); an adapter tries exactly once.
 */

export type ChannelKind = 'email' | 'sms' | 'telegram' | 'whatsapp' | 'vk' | 'max' | 'webhook' | 'log';

export interface OutboundMessage {
  /** Stable per message: sent as the provider's idempotency key where the API has one. */
  idempotencyKey: string;
  /** Address in the channel's terms: e-mail, E.164 phone, chat id, user id, URL. */
  to: string;
  subject?: string;
  text: string;
  html?: string;
  /** WhatsApp template messages (needed outside the 24-hour customer-service window). */
  template?: { name: string; language: string; params: string[] };
  /** Passed through where the channel has headers, e.g. List-Unsubscribe for e-mail. */
  headers?: Record<string, string>;
  metadata?: Record<string, string>;
}

/**
 * Stable failure codes. `retryable` says whether the same message may succeed later unchanged;
 * the codes say what to do next (stop the channel for this customer, pause the channel, fix
 * the config, back off).
 */
export type FailureCode =
  /** The address does not exist or cannot receive on this channel: drop it. */
  | 'invalid_recipient'
  /** The person blocked or never allowed the sender (bot blocked, STOP, stop list). */
  | 'blocked_by_user'
  /** Too many requests: retry after `retryAfterMs` if given. */
  | 'rate_limited'
  /** The provider failed (5xx, connection refused, reset): retry later. */
  | 'provider_unavailable'
  /** No answer in time; the provider may or may not have accepted the message. */
  | 'timeout'
  /** The credentials were refused: a config problem, no message will pass. */
  | 'auth_failed'
  /** The provider refused the request as malformed (too long, no text, sender not approved). */
  | 'invalid_request'
  /** WhatsApp: the template is unknown, not approved, or its parameters do not fit. */
  | 'template_error'
  /** WhatsApp: free-form text outside the 24-hour window; a template is needed. */
  | 'outside_window'
  /** The account has no money left: pause the channel. */
  | 'insufficient_funds'
  /** Any other refusal the provider called permanent. */
  | 'rejected';

export type SendFailure = {
  ok: false;
  retryable: boolean;
  code: FailureCode;
  reason: string;
  /** From Retry-After (or the provider's own retry hint) when it gave one. */
  retryAfterMs?: number;
};

export type SendResult = { ok: true; providerMessageId: string; costMinor?: number } | SendFailure;

export interface DeliveryUpdate {
  providerMessageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** Epoch milliseconds. */
  at: number;
  reason?: string;
}

export interface InboundMessage {
  /** The sender in the channel's terms (phone, chat id, user id). */
  from: string;
  text: string;
  /** Epoch milliseconds. */
  at: number;
  providerMessageId?: string;
}

export interface CallbackRequest {
  headers: Record<string, string | undefined>;
  /** The raw body exactly as received (signatures are computed over it). */
  body: string;
  query: Record<string, string>;
}

export interface CallbackUpdates {
  deliveries: DeliveryUpdate[];
  inbound: InboundMessage[];
}

export interface Channel {
  readonly kind: ChannelKind;
  send(msg: OutboundMessage): Promise<SendResult>;
  /**
   * Parse a provider's HTTP callback (delivery status or an inbound reply) into updates.
   * Throws CallbackError('bad_signature') when the request is not provably from the provider,
   * CallbackError('bad_payload') when it cannot be read.
   */
  parseCallback?(req: CallbackRequest): CallbackUpdates;
  close?(): Promise<void>;
}

/** What an adapter may be given besides its config: seams for tests, defaults for production. */
export interface ChannelDeps {
  /** Epoch milliseconds; used for callback timestamps the provider does not send. */
  now?: () => number;
  fetch?: typeof fetch;
}
