import { CallbackError } from '../../src/channels/index.ts';

/** The CallbackError reason `fn` throws with, or 'no error' / 'other error'. */
export function callbackRejection(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return e instanceof CallbackError ? e.reason : `other error: ${String(e)}`;
  }
}
