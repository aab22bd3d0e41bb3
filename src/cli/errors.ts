/** Errors the CLI reports as a one-line message with exit code 2, never as a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
