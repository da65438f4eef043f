/** The contract for saved segments with rules, the customer bulk actions and the CSV export. */
import { z } from '@hono/zod-openapi';
import { RuleSet } from '../../core/segments/rules.ts';
import { DateTimeString } from './common.ts';
import { CustomerFilterQuery } from './customers.ts';

// A clone: the core schema was built before @hono/zod-openapi added .openapi() to zod's schemas.
export const SegmentRules = RuleSet.clone().openapi('SegmentRules', {
  description:
    'conditions combined with all (AND) or any (OR); no conditions = every customer. A condition on a ' +
    'missing value (no segment, no purchase, no prediction) is false and its negation true.',
  example: {
    match: 'all',
    conditions: [
      { field: 'status', op: 'in', values: ['sleeping'] },
      { field: 'spent', min: '10000' },
      { field: 'last_purchase_days_ago', min: 60, max: 180 },
    ],
  },
});

export const SavedSegment = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    rules: SegmentRules,
    count: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'customers matching now, within your visibility' }),
    created_at: DateTimeString,
    updated_at: DateTimeString,
  })
  .openapi('SavedSegment');

export const SavedSegmentList = z.object({ items: z.array(SavedSegment) }).openapi('SavedSegmentList');

export const SavedSegmentListQuery = z.object({
  counts: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .openapi({ type: 'string', description: 'count each segment’s customers (one query per segment)' }),
});

export const SavedSegmentCreate = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
    rules: SegmentRules,
  })
  .openapi('SavedSegmentCreate');

export const SavedSegmentPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(2000).nullable().optional(),
    rules: SegmentRules.optional(),
  })
  .openapi('SavedSegmentPatch');

export const SegmentPreviewRequest = z.object({ rules: SegmentRules }).openapi('SegmentPreviewRequest');
export const SegmentPreview = z.object({ count: z.number().int() }).openapi('SegmentPreview');

export const SegmentIdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 3 }),
});

export const BULK_ACTIONS = ['assign_manager', 'add_tag', 'remove_tag'] as const;

export const BulkRequest = z
  .object({
    ids: z.array(z.number().int().positive()).min(1).max(10_000).optional().openapi({
      description: 'the selected customers (those out of your visibility are skipped)',
    }),
    filter: CustomerFilterQuery.partial().optional().openapi({
      description:
        'every customer matching these GET /api/customers parameters (string values, as in the URL)',
    }),
    action: z.enum(BULK_ACTIONS),
    manager_id: z.number().int().positive().nullable().optional().openapi({
      description: 'assign_manager: the staff id, or null to unassign',
    }),
    tag: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'add_tag / remove_tag: the tag' }),
  })
  .superRefine((b, ctx) => {
    if ((b.ids === undefined) === (b.filter === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['ids'], message: 'give either ids or filter' });
    }
    if (b.action === 'assign_manager' && b.manager_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['manager_id'], message: 'required for assign_manager' });
    }
    if (b.action !== 'assign_manager' && b.tag === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: `required for ${b.action}` });
    }
  })
  .openapi('BulkRequest');

export const BulkResult = z
  .object({
    matched: z.number().int().openapi({ description: 'customers selected (within your visibility)' }),
    changed: z
      .number()
      .int()
      .openapi({ description: 'of those, how many changed (the rest already were so)' }),
  })
  .openapi('BulkResult');

export type SavedSegmentJson = z.infer<typeof SavedSegment>;
