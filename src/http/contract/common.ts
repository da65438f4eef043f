/**
 * Shared pieces of the API contract. The web app imports only from `http/contract`, so these
 * files depend on nothing but zod (with the OpenAPI extension).
 */
import { z } from '@hono/zod-openapi';

export const DayString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day YYYY-MM-DD')
  .openapi({ format: 'date', example: '2025-03-01' });

export const DateTimeString = z
  .string()
  .openapi({ format: 'date-time', example: '2025-03-01T10:30:00.000Z' });

export const DecimalString = z
  .string()
  .regex(/^-?\d{1,16}(\.\d{1,2})?$/, 'a decimal amount such as 1500.00')
  .openapi({ example: '1500.00' });

/** Money: a decimal string with exactly 2 places, and the workspace currency. */
export const Money = z
  .object({
    amount: z.string().openapi({ example: '1500.00' }),
    currency: z.string().openapi({ example: 'RUB' }),
  })
  .openapi('Money');

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({
        description:
          'stable code: bad_usage (400), unauthorized (401), forbidden (403), not_found (404), conflict (409), validation_failed (422, details = [{ path, message }]), mapping_failed, unsupported_format, empty_file, bad_encoding, malformed_csv, sheet_not_found (422), internal (500)',
        example: 'validation_failed',
      }),
      message: z.string(),
      details: z.unknown().openapi({ example: [{ path: 'phone', message: 'not a phone number: "12"' }] }),
    }),
  })
  .openapi('Error');

export const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 42 }),
});

export const ManagerRef = z.object({ id: z.number().int(), name: z.string() }).openapi('ManagerRef');

const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed request',
  401: 'No valid API key',
  403: 'Not allowed for this role or key',
  404: 'Not found',
  409: 'Conflict with the current state',
  422: 'Validation failed',
};

/** Error responses of a route, all with the one error shape. */
export function errors(...statuses: (400 | 401 | 403 | 404 | 409 | 422)[]) {
  const out: Record<
    number,
    { description: string; content: { 'application/json': { schema: typeof ErrorBody } } }
  > = {};
  for (const s of [401, 403, ...statuses]) {
    out[s] = { description: STATUS_TEXT[s]!, content: { 'application/json': { schema: ErrorBody } } };
  }
  return out;
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const Security = [{ bearer: [] }];
