import { z } from '@hono/zod-openapi';

export const Settings = z
  .object({
    business_name: z.string().nullable(),
    currency: z.string(),
    timezone: z.string(),
    country: z.string(),
    cycle_days: z.number().nullable(),
    lost_multiplier: z.number(),
    margin: z.number(),
    rfm_mode: z.enum(['quantile', 'fixed']),
    rfm_thresholds: z
      .object({ r: z.array(z.number()), f: z.array(z.number()), m: z.array(z.number()) })
      .nullable(),
    date_format: z.string(),
  })
  .openapi('Settings');

export const SettingsPatch = z.record(z.string(), z.unknown()).openapi('SettingsPatch', {
  description: 'keys of Settings to change; null unsets a nullable one',
  example: { cycle_days: 28, margin: 0.45 },
});

export const Staff = z
  .object({ items: z.array(z.object({ id: z.number().int(), name: z.string() })) })
  .openapi('StaffList');
