#!/usr/bin/env node
// CLI root: registers one yargs command per file in ./commands and maps typed errors to exit codes.

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { reportFatal } from './output.js';
import { quietOnClosedPipe } from './pipes.js';

async function main(argv: string[]): Promise<void> {
  let cli = yargs(argv)
    .scriptName('bench')
    .usage('$0 <command> [options]\n\nMeasure what TCP connection handling costs an HTTP/1.x service.')
    .strict()
    .demandCommand(1, 'Name a command; see the list above.')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Docs and error codes: README.md. Exit codes: 0 ok, 1 failure or regression, 2 usage error.')
    .fail((message, error) => {
      // Usage errors from yargs itself (unknown flag, missing argument, a value outside choices) exit 2 with one clear
      // line and the same code as our own option errors; yargs raises some of them as a YError, not a message.
      if (error && error.name !== 'YError') throw error;
      process.stderr.write(`bench: ${message ?? error?.message} [H1B_INVALID_OPTION]\nRun 'bench --help' for usage.\n`);
      process.exit(2);
    })
    .help()
    .alias('h', 'help')
    .version();
  for (const command of commands) cli = cli.command(command);
  await cli.parseAsync();
}

quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);
main(hideBin(process.argv)).catch((error: unknown) => {
  process.exitCode = reportFatal(error);
});
