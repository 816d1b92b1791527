// Printing helpers for the CLI (the only layer that prints): fatal errors and their exit codes.

import { isH1Error } from '../errors.js';

/** Print an error the user can act on; return the exit code it maps to. */
export function reportFatal(error: unknown): number {
  if (isH1Error(error)) {
    process.stderr.write(`bench: ${error.message} [${error.code}]\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`bench: unexpected error: ${message}\n`);
  return 1;
}
