/**
 * Channel settings per workspace (PRODUCT.md C7): which provider serves each channel, its
 * credentials (sealed at rest, never returned), price per message, and the workspace routing
 * and contact budget (cascade, caps, quiet hours). Also the live adapters the delivery worker
 * and test sends use, rebuilt when their settings change.
 */
import {
  type Channel,
  type ChannelConfigInput,
  type ChannelDeps,
  type ChannelProvider,
  channelConfigSchema,
  createChannel,
  type SendResult,
} from '../../channels/index.ts';
import { AppError } from '../../core/errors.ts';
import { type BudgetRules, budgetRulesSchema, DEFAULT_BUDGET_RULES } from '../../core/messaging/budget.ts';
import { isMessageChannel, MESSAGE_CHANNELS, type MessageChannel } from '../../core/messaging/channel.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import {
  type ChannelConfigRow,
  deleteChannelConfig,
  getChannelConfig,
  listChannelConfigs,
  loadMessagingSettings,
  saveMessagingSettings,
  upsertChannelConfig,
} from '../../storage/queries/channel-configs.ts';
import { type Principal, requirePermission } from '../api/principal.ts';
import { decryptSecret, encryptSecret } from './secrets.ts';

/** The channel each provider serves; `log` (development) may stand in for any channel. */
export const PROVIDER_CHANNEL: Readonly<Record<ChannelProvider, MessageChannel | 'any'>> = {
  smtp: 'email',
  'sms-ru': 'sms',
  twilio: 'sms',
  telegram: 'telegram',
  whatsapp: 'whatsapp',
  vk: 'vk',
  max: 'max',
  webhook: 'webhook',
  log: 'any',
};

/** Config keys that are credentials: sealed at rest and never sent back. */
export const SECRET_FIELDS: Readonly<Record<ChannelProvider, readonly string[]>> = {
  smtp: ['pass'],
  'sms-ru': ['apiId', 'callbackSecret'],
  twilio: ['authToken', 'apiKeySecret'],
  telegram: ['botToken', 'webhookSecret'],
  whatsapp: ['accessToken', 'appSecret', 'verifyToken'],
  vk: ['accessToken', 'callbackSecret', 'confirmationCode'],
  max: ['botToken', 'webhookSecret'],
  webhook: ['secret', 'headers'],
  log: [],
};

export function isProvider(s: string): s is ChannelProvider {
  return Object.hasOwn(PROVIDER_CHANNEL, s);
}

/** What the API shows of a channel's settings: everything but the secrets, which are only named. */
export interface ChannelSettingsView {
  channel: MessageChannel;
  provider: ChannelProvider;
  enabled: boolean;
  config: Record<string, unknown>;
  /** Names of the secret fields that are set. */
  secretsSet: string[];
  costMinor: number | null;
  updatedAt: string;
  /** Where to point the provider's status/inbound webhook (when a public URL is known). */
  callbackUrl: string | null;
}

export interface ChannelSettingsInput {
  provider: ChannelProvider;
  enabled?: boolean;
  costMinor?: number | null;
  /**
   * The provider's config keys (see src/channels/README.md). Secret keys left out keep their
   * stored values when the provider is unchanged, so a form can be saved without retyping them.
   */
  config: Record<string, unknown>;
}

const sealContext = (workspaceId: number, channel: string) => `${workspaceId}:${channel}`;

export function callbackUrlFor(
  publicUrl: string | undefined,
  provider: string,
  workspaceId: number,
): string | null {
  if (!publicUrl) return null;
  return `${publicUrl.replace(/\/+$/, '')}/api/callbacks/${provider}/${workspaceId}`;
}

function view(
  row: ChannelConfigRow,
  key: Buffer,
  workspaceId: number,
  publicUrl?: string,
): ChannelSettingsView {
  const secrets = row.secrets ? unseal(key, row.secrets, sealContext(workspaceId, row.channel)) : {};
  return {
    channel: row.channel as MessageChannel,
    provider: row.provider as ChannelProvider,
    enabled: row.enabled,
    config: row.config,
    secretsSet: Object.keys(secrets).sort(),
    costMinor: row.costMinor,
    updatedAt: row.updatedAt,
    callbackUrl: callbackUrlFor(publicUrl, row.provider, workspaceId),
  };
}

function unseal(key: Buffer, sealed: string, context: string): Record<string, unknown> {
  return JSON.parse(decryptSecret(key, sealed, context)) as Record<string, unknown>;
}

/** The full adapter config of a stored row (secrets decrypted). */
export function configOfRow(row: ChannelConfigRow, key: Buffer, workspaceId: number): ChannelConfigInput {
  const secrets = row.secrets ? unseal(key, row.secrets, sealContext(workspaceId, row.channel)) : {};
  return { ...row.config, ...secrets, provider: row.provider } as ChannelConfigInput;
}

function channelParam(channel: string): MessageChannel {
  if (!isMessageChannel(channel))
    throw new AppError(
      'validation_failed',
      `unknown channel ${channel}; one of ${MESSAGE_CHANNELS.join(', ')}`,
    );
  return channel;
}

export async function listChannelSettings(
  db: Database,
  principal: Principal,
  key: Buffer,
  publicUrl?: string,
): Promise<ChannelSettingsView[]> {
  requirePermission(principal, 'settings:read');
  const rows = await listChannelConfigs(db, principal.workspaceId);
  return rows.map((r) => view(r, key, principal.workspaceId, publicUrl));
}

export async function readChannelSettings(
  db: Database,
  principal: Principal,
  key: Buffer,
  channel: string,
  publicUrl?: string,
): Promise<ChannelSettingsView> {
  requirePermission(principal, 'settings:read');
  const row = await getChannelConfig(db, principal.workspaceId, channelParam(channel));
  if (!row) throw new AppError('not_found', `channel ${channel} is not configured`);
  return view(row, key, principal.workspaceId, publicUrl);
}

/**
 * Validates the whole config (the adapter's own zod schema, secrets included) before storing
 * anything, so a wrong config fails here and not at the first send.
 */
export async function saveChannelSettings(
  db: Database,
  principal: Principal,
  key: Buffer,
  channelName: string,
  input: ChannelSettingsInput,
  publicUrl?: string,
): Promise<ChannelSettingsView> {
  requirePermission(principal, 'settings:write');
  const channel = channelParam(channelName);
  const ws = principal.workspaceId;
  if (!isProvider(input.provider))
    throw new AppError('validation_failed', `unknown provider ${input.provider}`);
  const serves = PROVIDER_CHANNEL[input.provider];
  if (serves !== 'any' && serves !== channel)
    throw new AppError('validation_failed', `provider ${input.provider} serves ${serves}, not ${channel}`);
  const secretKeys = SECRET_FIELDS[input.provider];
  const existing = await getChannelConfig(db, ws, channel);
  const kept =
    existing?.provider === input.provider && existing.secrets
      ? unseal(key, existing.secrets, sealContext(ws, channel))
      : {};
  const plain: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = { ...kept };
  for (const [k, v] of Object.entries(input.config)) {
    if (k === 'provider') continue;
    if (secretKeys.includes(k)) {
      if (v === null || v === '') delete secrets[k];
      else secrets[k] = v;
    } else if (v !== undefined) plain[k] = v;
  }
  const parsed = channelConfigSchema.safeParse({ ...plain, ...secrets, provider: input.provider });
  if (!parsed.success) {
    throw new AppError(
      'validation_failed',
      `invalid ${input.provider} config: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ')}`,
      parsed.error.issues.map((i) => ({ path: `config.${i.path.join('.')}`, message: i.message })),
    );
  }
  await upsertChannelConfig(db, ws, {
    channel,
    provider: input.provider,
    enabled: input.enabled ?? existing?.enabled ?? true,
    config: plain,
    secrets:
      Object.keys(secrets).length > 0
        ? encryptSecret(key, JSON.stringify(secrets), sealContext(ws, channel))
        : null,
    costMinor: input.costMinor === undefined ? (existing?.costMinor ?? null) : input.costMinor,
  });
  return readChannelSettings(db, principal, key, channel, publicUrl);
}

export async function removeChannelSettings(
  db: Database,
  principal: Principal,
  channel: string,
): Promise<void> {
  requirePermission(principal, 'settings:write');
  if (!(await deleteChannelConfig(db, principal.workspaceId, channelParam(channel))))
    throw new AppError('not_found', `channel ${channel} is not configured`);
}

// ---------------------------------------------------------------------------------------
// Live adapters

export interface LoadedChannel {
  channel: MessageChannel;
  provider: ChannelProvider;
  enabled: boolean;
  costMinor: number | null;
  adapter: Channel;
}

/**
 * Adapters by (workspace, channel), built from the stored settings and rebuilt when they change
 * (their `updated_at`). One pool per process: the SMTP adapter's connection pool lives here.
 * Settings are re-read at most every `ttlMs`.
 */
export class ChannelPool {
  private readonly adapters = new Map<string, { updatedAt: string; loaded: LoadedChannel }>();
  private readonly rows = new Map<number, { at: number; rows: ChannelConfigRow[] }>();

  constructor(
    private readonly key: Buffer,
    private readonly options: {
      deps?: ChannelDeps;
      ttlMs?: number;
      /** Replaces createChannel (tests). */
      create?: (config: ChannelConfigInput, deps: ChannelDeps) => Channel;
    } = {},
  ) {}

  /** Every configured channel of a workspace (enabled or not). */
  async workspace(sql: Sql, workspaceId: number): Promise<Map<MessageChannel, LoadedChannel>> {
    const now = Date.now();
    let cached = this.rows.get(workspaceId);
    if (!cached || now - cached.at > (this.options.ttlMs ?? 5_000)) {
      cached = { at: now, rows: await listChannelConfigs(sql, workspaceId) };
      this.rows.set(workspaceId, cached);
    }
    const out = new Map<MessageChannel, LoadedChannel>();
    for (const row of cached.rows) {
      const id = `${workspaceId}:${row.channel}`;
      const hit = this.adapters.get(id);
      if (hit && hit.updatedAt === row.updatedAt) {
        out.set(hit.loaded.channel, hit.loaded);
        continue;
      }
      if (hit) void hit.loaded.adapter.close?.();
      const config = configOfRow(row, this.key, workspaceId);
      const adapter = (this.options.create ?? createChannel)(config, this.options.deps ?? {});
      const loaded: LoadedChannel = {
        channel: row.channel as MessageChannel,
        provider: row.provider as ChannelProvider,
        enabled: row.enabled,
        costMinor: row.costMinor,
        adapter,
      };
      this.adapters.set(id, { updatedAt: row.updatedAt, loaded });
      out.set(loaded.channel, loaded);
    }
    return out;
  }

  /** Forget cached settings of a workspace (after a change in this process). */
  invalidate(workspaceId: number): void {
    this.rows.delete(workspaceId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.adapters.values()].map((a) => a.loaded.adapter.close?.()));
    this.adapters.clear();
    this.rows.clear();
  }
}

/**
 * A test send through the stored settings (`POST /api/channels/{channel}/test`): one message,
 * not in the outbox, not counted in any budget. The provider's answer comes back as is.
 */
export async function testChannel(
  db: Database,
  principal: Principal,
  pool: ChannelPool,
  channelName: string,
  input: { to: string; text?: string; subject?: string },
  now: number,
): Promise<SendResult> {
  requirePermission(principal, 'settings:write');
  const channel = channelParam(channelName);
  pool.invalidate(principal.workspaceId);
  const loaded = (await pool.workspace(db, principal.workspaceId)).get(channel);
  if (!loaded) throw new AppError('not_found', `channel ${channel} is not configured`);
  const text = input.text ?? 'Comeback: test message / тестовое сообщение';
  return loaded.adapter.send({
    idempotencyKey: `test:${principal.workspaceId}:${channel}:${now}`,
    to: input.to,
    subject: input.subject ?? 'Comeback test',
    text,
    html: `<p>${text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
  });
}

// ---------------------------------------------------------------------------------------
// Routing and budget settings

export interface MessagingSettings {
  /** The fallback order after the customer's own channel. */
  cascade: MessageChannel[];
  budget: BudgetRules;
  /** Ceiling per message in minor units; null = none. */
  maxCostMinor: number | null;
}

export const DEFAULT_CASCADE: readonly MessageChannel[] = [
  'telegram',
  'whatsapp',
  'vk',
  'max',
  'sms',
  'email',
  'webhook',
];

export async function loadMessagingSettingsOf(sql: Sql, workspaceId: number): Promise<MessagingSettings> {
  const row = await loadMessagingSettings(sql, workspaceId);
  const budget = budgetRulesSchema.safeParse(row?.budget);
  return {
    cascade: (row?.cascade ?? DEFAULT_CASCADE).filter(isMessageChannel),
    budget: budget.success ? budget.data : DEFAULT_BUDGET_RULES,
    maxCostMinor: row?.maxCostMinor ?? null,
  };
}

export async function readMessagingSettings(db: Database, principal: Principal): Promise<MessagingSettings> {
  requirePermission(principal, 'settings:read');
  return loadMessagingSettingsOf(db, principal.workspaceId);
}

export async function updateMessagingSettings(
  db: Database,
  principal: Principal,
  patch: Partial<MessagingSettings>,
): Promise<MessagingSettings> {
  requirePermission(principal, 'settings:write');
  const current = await loadMessagingSettingsOf(db, principal.workspaceId);
  const next = { ...current, ...patch };
  const budget = budgetRulesSchema.safeParse(next.budget);
  if (!budget.success) throw new AppError('validation_failed', `budget: ${budget.error.issues[0]?.message}`);
  const bad = next.cascade.find((c) => !isMessageChannel(c));
  if (bad) throw new AppError('validation_failed', `cascade: unknown channel ${bad}`);
  await saveMessagingSettings(db, principal.workspaceId, {
    cascade: [...new Set(next.cascade)],
    budget: budget.data,
    maxCostMinor: next.maxCostMinor,
  });
  return loadMessagingSettingsOf(db, principal.workspaceId);
}
