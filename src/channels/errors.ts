import { AppError } from '../core/errors.ts';

export type CallbackErrorReason = 'bad_signature' | 'bad_payload';

/**
 * A provider callback that must not be trusted (`bad_signature`: missing or wrong signature or
 * secret, or no secret configured to check it with) or cannot be read (`bad_payload`). An
 * AppError with code `validation_failed`, so the HTTP layer answers 4xx without special cases;
 * `reason` tells the two apart for logs and metrics.
 */
export class CallbackError extends AppError {
  constructor(
    readonly reason: CallbackErrorReason,
    message: string,
  ) {
    super('validation_failed', message, { reason });
    this.name = 'CallbackError';
  }
}
