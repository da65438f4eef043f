/**
 * Saved segments for the demo salon, so the Segments page and the campaign builder open with
 * examples of what the rules can say (a fresh workspace of a real business starts empty).
 * Written once: a workspace that already has saved segments is left as it is.
 */
import { parseRuleSet, type RuleSet } from '../../core/segments/rules.ts';
import type { Database } from '../../storage/connect.ts';
import { countSavedSegments, insertSavedSegment } from '../../storage/queries/saved-segments.ts';

const DEMO_SEGMENTS: { name: string; description: string; rules: RuleSet }[] = [
  {
    name: 'Уснувшие постоянные',
    description: 'Три визита и больше, но цикл прошёл: вернуть, пока не ушли совсем',
    rules: {
      match: 'all',
      conditions: [
        { field: 'status', op: 'in', values: ['sleeping'] },
        { field: 'purchases', min: 3 },
      ],
    },
  },
  {
    name: 'Маникюр без педикюра',
    description: 'Ходят на маникюр, педикюр не пробовали: предложить',
    rules: {
      match: 'all',
      conditions: [
        { field: 'category', op: 'bought', value: 'Маникюр' },
        { field: 'category', op: 'not_bought', value: 'Педикюр' },
        { field: 'status', op: 'in', values: ['newbie', 'fan'] },
      ],
    },
  },
  {
    name: 'Лучшие клиенты',
    description: 'Чемпионы и лояльные по RFM',
    rules: { match: 'all', conditions: [{ field: 'rfm_segment', op: 'in', values: ['champions', 'loyal'] }] },
  },
];

export async function prepareDemoSegments(db: Database, workspaceId: number): Promise<void> {
  if ((await countSavedSegments(db, workspaceId)) > 0) return;
  for (const s of DEMO_SEGMENTS) {
    await insertSavedSegment(db, workspaceId, {
      name: s.name,
      description: s.description,
      // Through the same validation as the API: a rule the product would refuse is a bug here.
      rules: parseRuleSet(s.rules),
      createdBy: null,
    });
  }
}
