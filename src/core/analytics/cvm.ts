/**
 * CVM stage (customer value management) from the lifecycle status and the F/M scores:
 *
 * | acquisition | lead                                              |
 * | onboarding  | newbie                                            |
 * | development | fan with F score ≤ 3 or M score ≤ 3               |
 * | retention   | fan with F and M scores ≥ 4, and every sleeping    |
 * | winback     | lost                                              |
 *
 * `winback` is not in the spec's list of four stages: a lost customer is not being retained
 * any more, and the product's automation already names the work for them ("win-back of
 * sleeping and lost customers", C8). A fan whose scores are unknown (quantile RFM without a
 * population) has no stage: null. The status is the effective one (manual override included).
 */
import type { LifecycleStatus } from '../types.ts';
import { STATUS_CODE } from './lifecycle.ts';

export const CVM_STAGES = ['acquisition', 'onboarding', 'development', 'retention', 'winback'] as const;
export type CvmStage = (typeof CVM_STAGES)[number];

/** Code (index in `CVM_STAGES`) from a status code and scores (0 = unknown); 255 = none. */
export function cvmStageCode(statusCode: number, fScore: number, mScore: number): number {
  switch (statusCode) {
    case STATUS_CODE.lead:
      return 0;
    case STATUS_CODE.newbie:
      return 1;
    case STATUS_CODE.fan:
      if (fScore === 0 || mScore === 0) return 255;
      return fScore >= 4 && mScore >= 4 ? 3 : 2;
    case STATUS_CODE.sleeping:
      return 3;
    case STATUS_CODE.lost:
      return 4;
    default:
      throw new RangeError(`not a lifecycle status code: ${statusCode}`);
  }
}

/** CVM stage of a customer. */
export function cvmStage(
  status: LifecycleStatus,
  fScore: number | null,
  mScore: number | null,
): CvmStage | null {
  const code = cvmStageCode(STATUS_CODE[status], fScore ?? 0, mScore ?? 0);
  return code === 255 ? null : CVM_STAGES[code]!;
}
