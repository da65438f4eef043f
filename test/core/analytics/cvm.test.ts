import { describe, expect, it } from 'vitest';
import { CVM_STAGES, cvmStage } from '../../../src/core/analytics/cvm.ts';

describe('CVM stage', () => {
  it.each([
    ['lead', null, null, 'acquisition'],
    ['newbie', 1, 1, 'onboarding'],
    ['newbie', 5, 5, 'onboarding'],
    ['fan', 3, 5, 'development'],
    ['fan', 5, 3, 'development'],
    ['fan', 4, 4, 'retention'],
    ['fan', 5, 5, 'retention'],
    ['sleeping', 1, 1, 'retention'],
    ['sleeping', 5, 5, 'retention'],
    ['lost', 5, 5, 'winback'],
    ['lost', null, null, 'winback'],
    ['fan', null, null, null],
  ] as const)('%s with F %s, M %s → %s', (status, f, m, expected) => {
    expect(cvmStage(status, f, m)).toBe(expected);
  });

  it('has the four stages of the spec plus winback for lost customers', () => {
    expect(CVM_STAGES).toEqual(['acquisition', 'onboarding', 'development', 'retention', 'winback']);
  });
});
