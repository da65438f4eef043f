/**
 * Access failures, kept apart from core's AppError codes (which the CLI also maps): the
 * caller is not identified (`unauthorized`) or may not do this (`forbidden`).
 */
export const ACCESS_ERROR_CODES = {
  unauthorized: 'no valid credentials were given',
  forbidden: 'the credentials do not allow this',
} as const;

export type AccessErrorCode = keyof typeof ACCESS_ERROR_CODES;

export class AccessError extends Error {
  constructor(
    readonly code: AccessErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AccessError';
  }
}
