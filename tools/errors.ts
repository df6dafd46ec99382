// A problem the user can fix: the CLI prints its message (no stack trace) and exits with its code.
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}
