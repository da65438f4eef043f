import { z } from '@hono/zod-openapi';
import { DateTimeString, DayString, DecimalString, Money } from './common.ts';

export const OrderLine = z
  .object({
    line_no: z.number().int(),
    item: z.string().nullable(),
    category: z.string().nullable(),
    quantity: z.string(),
    amount: Money,
    staff: z.string().nullable(),
  })
  .openapi('OrderLine');

export const Order = z
  .object({
    id: z.number().int(),
    external_id: z.string().nullable(),
    customer_id: z.number().int().nullable(),
    ordered_at: DateTimeString,
    ordered_on: DayString,
    amount: Money,
    status: z.enum(['completed', 'cancelled', 'refunded']),
    channel: z.string().nullable(),
    source: z.string().nullable(),
    staff: z.string().nullable(),
    branch: z.string().nullable(),
    lines: z.array(OrderLine),
  })
  .openapi('Order');

export const OrderCreate = z
  .object({
    external_id: z.string().min(1).max(200).optional().openapi({
      description: "the order's id in your system; re-sending it adds nothing",
      example: 'pos-10234',
    }),
    customer: z
      .object({
        id: z.number().int().positive().optional(),
        external_id: z.string().max(200).optional(),
        phone: z.string().max(100).optional(),
        email: z.string().max(320).optional(),
        name: z.string().max(300).optional(),
      })
      .optional()
      .openapi({
        description: 'who bought: by id, or matched by external id, phone, e-mail (created if new)',
      }),
    ordered_at: z.iso.datetime({ offset: true }).openapi({ example: '2025-03-01T10:30:00+03:00' }),
    amount: DecimalString,
    status: z.enum(['completed', 'cancelled', 'refunded']).optional(),
    lines: z
      .array(
        z.object({
          item: z.string().min(1).max(300),
          category: z.string().max(200).optional(),
          quantity: z.number().positive().optional(),
          amount: DecimalString,
        }),
      )
      .max(500)
      .optional(),
  })
  .openapi('OrderCreate');

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description: 'same key + same body replays the first response; same key + another body is a 409',
      example: '6f1c2e1a-order-10234',
    }),
});

export type OrderJson = z.infer<typeof Order>;
