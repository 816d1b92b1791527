// What the user sees when a measuring command is stopped: the words around runner/interrupt.ts's one mechanism.

import { exitCodeFor, Interruption, SAME_REQUEST_WINDOW_MS, type StopSignal } from '../runner/interrupt.js';

const NAMES: Record<StopSignal, string> = { SIGINT: 'Ctrl-C (SIGINT)', SIGTERM: 'SIGTERM' };

/**
 * An installed Interruption for a command that writes `what` (e.g. "the report"): the first SIGINT or SIGTERM stops
 * the measurement and the command still writes it; a repeat within 1 s is the same request (GNU timeout and CI
 * runners signal the process and then its group); a later one quits at once, saying nothing was written.
 */
export function interruptibly(what: string): Interruption {
  return new Interruption({
    onStop: (signal) => {
      process.stderr.write(
        `\nbench: stopping after ${NAMES[signal]}, writing ${what} marked interrupted ` +
          `(another signal ${SAME_REQUEST_WINDOW_MS / 1000} s or more later quits at once)\n`,
      );
    },
    onForce: (signal) => {
      process.stderr.write(`bench: ${NAMES[signal]} again: quitting at once; ${what} was not written\n`);
      process.exit(exitCodeFor(signal));
    },
  }).install();
}
