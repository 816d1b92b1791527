// What the user sees when a measuring command is stopped: the words around runner/interrupt.ts's one mechanism.

import { exitCodeFor, Interruption, SAME_REQUEST_WINDOW_MS, type StopSignal } from '../runner/interrupt.js';

const NAMES: Record<StopSignal, string> = { SIGINT: 'Ctrl-C (SIGINT)', SIGTERM: 'SIGTERM' };

/**
 * An installed Interruption for a command that writes `what` (e.g. "the report"): the first SIGINT or SIGTERM stops
 * the measurement and the command still writes it; a repeat within 1 s is the same request (GNU timeout and CI
 * runners signal the process and then its group); a later one quits at once, saying nothing was written.
 * `beforeMessage` runs before either message is written (the live panel clears itself there).
 */
export function interruptibly(what: string, beforeMessage: () => void = () => {}): Interruption {
  return new Interruption({
    onStop: (signal) => {
      // A live panel redrawn in place would overwrite the message: it is cleared first, and redraws below it.
      beforeMessage();
      process.stderr.write(
        `\nbench: stopping after ${NAMES[signal]}, writing ${what} marked interrupted ` +
          `(another signal ${SAME_REQUEST_WINDOW_MS / 1000} s or more later quits at once)\n`,
      );
    },
    onForce: (signal) => {
      beforeMessage();
      process.stderr.write(`bench: ${NAMES[signal]} again: quitting at once; ${what} was not written\n`);
      process.exit(exitCodeFor(signal));
    },
  }).install();
}
