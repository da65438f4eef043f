/**
 * Messaging in the demo workspace, so a new user can send a campaign out of the box: the
 * `log` provider (it writes messages to the server log and reports them delivered) on e-mail,
 * SMS and Telegram, and a consent ledger as an import from the salon's booking system would
 * bring it — marketing consent for about three customers in four, so the budget preview shows
 * both sides (sent now, excluded for no consent). Changes nothing a user already configured.
 */
import type { MessageChannel } from '../../core/messaging/channel.ts';
import type { ConsentEntry } from '../../core/messaging/consent.ts';
import type { Database } from '../../storage/connect.ts';
import { listChannelConfigs, upsertChannelConfig } from '../../storage/queries/channel-configs.ts';
import { insertConsents } from '../../storage/queries/consents.ts';
import { customerContactKinds, hasAnyConsent } from '../../storage/queries/demo-messaging.ts';

const DEMO_CHANNELS: { channel: MessageChannel; identifier: string }[] = [
  { channel: 'telegram', identifier: 'telegram' },
  { channel: 'sms', identifier: 'phone' },
  { channel: 'email', identifier: 'email' },
];

export async function prepareDemoMessaging(db: Database, workspaceId: number, asOf: string): Promise<void> {
  if ((await listChannelConfigs(db, workspaceId)).length === 0) {
    for (const { channel } of DEMO_CHANNELS) {
      await upsertChannelConfig(db, workspaceId, {
        channel,
        provider: 'log',
        enabled: true,
        config: {},
        secrets: null,
        costMinor: channel === 'sms' ? 450 : 0,
      });
    }
  }
  if (await hasAnyConsent(db, workspaceId)) return;
  // A month before the demo's "today": consents predate every campaign a user will send.
  const at = Date.parse(`${asOf}T09:00:00Z`) - 30 * 86_400_000;
  const rows: { customerId: number; entry: ConsentEntry }[] = [];
  for (const c of await customerContactKinds(db, workspaceId)) {
    // Deterministic: every fourth customer never agreed to marketing.
    if (c.id % 4 === 0) continue;
    for (const { channel, identifier } of DEMO_CHANNELS) {
      if (!c.kinds.includes(identifier)) continue;
      rows.push({
        customerId: c.id,
        entry: {
          channel,
          purpose: 'marketing',
          action: 'granted',
          at,
          source: 'import',
          wordingVersion: 'demo-2025-01',
          actor: 'import:demo',
        },
      });
    }
  }
  for (let i = 0; i < rows.length; i += 5000) await insertConsents(db, workspaceId, rows.slice(i, i + 5000));
}
