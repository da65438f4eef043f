import { describe, expect, test } from 'vitest';
import { csvCell, csvRow } from '../../../src/core/segments/csv.ts';
import { matchesRules, type SegmentSubject } from '../../../src/core/segments/evaluate.ts';
import { daysAgoWindow, parseRuleSet, validateRuleSet } from '../../../src/core/segments/rules.ts';

const base: SegmentSubject = {
  status: 'sleeping',
  rfmSegment: null,
  rScore: null,
  fScore: null,
  revenue: '1500.00',
  purchases: 2,
  lastPurchaseOn: '2025-04-01',
  categories: ['Ногти'],
  source: null,
  tags: ['vip'],
  managerId: null,
  birthday: '1990-05-17',
  churnRisk: null,
  recommended: [],
};

describe('validateRuleSet', () => {
  test('accepts every kind of condition', () => {
    const r = validateRuleSet({
      match: 'any',
      conditions: [
        { field: 'status', op: 'in', values: ['sleeping', 'lost'] },
        { field: 'rfm_segment', op: 'not_in', values: ['champions'] },
        { field: 'r_score', min: 4 },
        { field: 'f_score', min: 1, max: 2 },
        { field: 'spent', min: '1000', max: '5000.50' },
        { field: 'purchases', max: 1 },
        { field: 'last_purchase_days_ago', min: 30, max: 60 },
        { field: 'last_purchase_on', min: '2025-01-01', max: '2025-03-31' },
        { field: 'category', op: 'bought', value: 'Ногти' },
        { field: 'source', op: 'in', values: ['instagram'] },
        { field: 'tag', op: 'has_not', value: 'vip' },
        { field: 'manager', op: 'in', values: [3, null] },
        { field: 'birthday_month', values: [5, 6] },
        { field: 'churn_risk', values: ['high'] },
        { field: 'recommended', value: 'Маникюр' },
      ],
    });
    expect(r.ok).toBe(true);
  });

  test('refuses bad values with paths', () => {
    const r = validateRuleSet({
      match: 'every',
      conditions: [
        { field: 'r_score', min: 4, max: 2 },
        { field: 'spent' },
        { field: 'status', op: 'in', values: ['asleep'] },
        { field: 'last_purchase_on', min: '2025-02-30' },
        { field: 'shoe_size', value: 42 },
        { field: 'tag', op: 'has', value: '  ' },
        { field: 'status', op: 'in', values: [] },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'match',
        'conditions.0.max',
        'conditions.1.min',
        'conditions.2.values.0',
        'conditions.3.min',
        'conditions.4.field',
        'conditions.5.value',
        'conditions.6.values',
      ]),
    );
  });

  test('at most 30 conditions', () => {
    const many = Array.from({ length: 31 }, () => ({ field: 'purchases', min: 1 }));
    expect(validateRuleSet({ match: 'all', conditions: many }).ok).toBe(false);
    expect(validateRuleSet({ match: 'all', conditions: many.slice(0, 30) }).ok).toBe(true);
  });

  test('parseRuleSet throws validation_failed with prefixed paths', () => {
    expect(() => parseRuleSet({ match: 'all', conditions: [{ field: 'purchases' }] })).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: [{ path: 'rules.conditions.0.min', message: 'give min, max or both' }],
      }),
    );
  });
});

describe('matchesRules', () => {
  const asOf = '2025-06-15';
  const rules = (match: 'all' | 'any', conditions: unknown[]) => parseRuleSet({ match, conditions });

  test('no conditions match everyone, all and any combine', () => {
    expect(matchesRules(rules('all', []), base, asOf)).toBe(true);
    expect(matchesRules(rules('any', []), base, asOf)).toBe(true);
    const sleepingVip = [
      { field: 'status', op: 'in', values: ['sleeping'] },
      { field: 'tag', op: 'has', value: 'new' },
    ];
    expect(matchesRules(rules('all', sleepingVip), base, asOf)).toBe(false);
    expect(matchesRules(rules('any', sleepingVip), base, asOf)).toBe(true);
  });

  test('a missing value fails a condition and passes its negation', () => {
    const seg = (op: string) => rules('all', [{ field: 'rfm_segment', op, values: ['champions'] }]);
    expect(matchesRules(seg('in'), base, asOf)).toBe(false);
    expect(matchesRules(seg('not_in'), base, asOf)).toBe(true);
    expect(matchesRules(rules('all', [{ field: 'r_score', min: 1 }]), base, asOf)).toBe(false);
    expect(
      matchesRules(rules('all', [{ field: 'churn_risk', values: ['low', 'medium', 'high'] }]), base, asOf),
    ).toBe(false);
    expect(matchesRules(rules('all', [{ field: 'manager', op: 'in', values: [null] }]), base, asOf)).toBe(
      true,
    );
    expect(matchesRules(rules('all', [{ field: 'source', op: 'not_in', values: ['vk'] }]), base, asOf)).toBe(
      true,
    );
  });

  test('days ago are whole days back from asOf, inclusive', () => {
    expect(daysAgoWindow({ min: 30, max: 60 }, asOf)).toEqual({ from: '2025-04-16', to: '2025-05-16' });
    // 2025-04-01 is 75 days before 2025-06-15.
    const ago = (min?: number, max?: number) =>
      matchesRules(rules('all', [{ field: 'last_purchase_days_ago', min, max }]), base, asOf);
    expect(ago(75, 75)).toBe(true);
    expect(ago(76)).toBe(false);
    expect(ago(undefined, 74)).toBe(false);
    expect(ago(60, 90)).toBe(true);
  });

  test('money compares exactly, birthday by month, categories as bought', () => {
    expect(matchesRules(rules('all', [{ field: 'spent', min: '1500' }]), base, asOf)).toBe(true);
    expect(matchesRules(rules('all', [{ field: 'spent', min: '1500.01' }]), base, asOf)).toBe(false);
    expect(matchesRules(rules('all', [{ field: 'birthday_month', values: [5] }]), base, asOf)).toBe(true);
    expect(
      matchesRules(rules('all', [{ field: 'category', op: 'not_bought', value: 'Ногти' }]), base, asOf),
    ).toBe(false);
  });
});

describe('csv', () => {
  test('quotes, neutralises formulas, keeps numbers and phones', () => {
    expect(csvCell('Иванова, Мария')).toBe('"Иванова, Мария"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+79161234567')).toBe('+79161234567');
    expect(csvCell('-15.5')).toBe('-15.5');
    expect(csvCell(null)).toBe('');
    expect(csvRow([1, 'a', null])).toBe('1,a,\r\n');
  });
});
