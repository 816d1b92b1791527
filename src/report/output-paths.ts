// Output paths checked before a measurement starts: a run must never measure for minutes and then lose its results
// because the report, the HTML page or the capture cannot be written.

import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { H1Error } from '../errors.js';

/** A file a command will write once it has measured, and what it is (for the message). */
export interface PlannedOutput {
  readonly path: string;
  /** `the report`, `the HTML report`, `the capture`. */
  readonly what: string;
}

/**
 * Make sure every planned output can be written: create missing parent directories (as the default `results/` is
 * created), refuse a path that is a directory, and prove the directory writable by creating and removing a probe
 * file (access(2) says yes to root on a read-only filesystem). Throws H1B_REPORT_WRITE naming the first that fails.
 */
export async function prepareOutputs(outputs: readonly PlannedOutput[]): Promise<void> {
  const checkedDirs = new Set<string>();
  for (const { path, what } of outputs) {
    const dir = dirname(path);
    const fail = (reason: string, cause?: unknown): H1Error =>
      new H1Error('H1B_REPORT_WRITE', `cannot write ${what} to ${path} (${reason}); checked before measuring, so nothing was lost`, cause === undefined ? {} : { cause });
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw fail(`cannot create ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, error);
    }
    const existing = await stat(path).catch(() => null);
    if (existing?.isDirectory()) throw fail('it is a directory');
    if (checkedDirs.has(dir)) continue;
    const probe = join(dir, `.${basename(path)}.${process.pid}.probe`);
    try {
      await writeFile(probe, '', { flag: 'wx' });
    } catch (error) {
      throw fail(`${dir} is not writable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, error);
    } finally {
      await rm(probe, { force: true });
    }
    checkedDirs.add(dir);
  }
}
