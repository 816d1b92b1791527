// Output paths checked before a measurement starts: a run must never measure for minutes and then lose its results
// because the report, the HTML page or the capture cannot be written.

import { lstat, mkdir, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { H1Error } from '../errors.js';

/** A file a command will write once it has measured, and what it is (for the message). */
export interface PlannedOutput {
  readonly path: string;
  /** `the report`, `the HTML report`, `the capture`. */
  readonly what: string;
}

/**
 * `mkdir -p`: create `dir` and its missing parents, one level at a time. Not `mkdir(dir, { recursive: true })`: Node 20's
 * recursive mkdir never returns where the kernel answers ENOENT for a parent that exists (under /proc, for one).
 * Throws the first system error (ENOENT, ENOTDIR, EACCES, …), code kept.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = await stat(at).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));
    if (found !== null) {
      if (!found.isDirectory()) throw Object.assign(new Error(`${at} is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing.reverse()) {
    await mkdir(level).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)));
  }
}

/** Where text for a path really goes, and how (see {@link outputTarget}); `refused`: why it cannot be written. */
type OutputTarget = { readonly path: string; readonly how: 'rename' | 'direct' } | { readonly refused: string };

async function classifyOutput(path: string): Promise<OutputTarget> {
  let target = path;
  const link = await lstat(path).catch(() => null);
  if (link?.isSymbolicLink()) {
    target = await realpath(path).catch(async () => resolve(dirname(path), await readlink(path)));
  }
  const existing = await stat(target).catch(() => null);
  if (existing === null || existing.isFile()) return { path: target, how: 'rename' };
  if (existing.isCharacterDevice() || existing.isFIFO()) return { path: target, how: 'direct' };
  return { refused: existing.isDirectory() ? 'it is a directory' : existing.isBlockDevice() ? 'it is a block device' : 'it is not a regular file' };
}

/**
 * Where text for `path` really goes, and how. `rename`: a regular file or a new one, replaced atomically (temp file +
 * rename); `direct`: a character device or FIFO (`--out /dev/null`, `--out /dev/stdout`, a named pipe), written in
 * place, since renaming over it would replace the device with a file. A symlink is followed (also one whose target
 * does not exist yet), so the link stays a link. Throws H1B_REPORT_WRITE for a directory, a block device or a socket.
 */
export async function outputTarget(path: string, what: string): Promise<{ path: string; how: 'rename' | 'direct' }> {
  const target = await classifyOutput(path);
  if ('refused' in target) throw new H1Error('H1B_REPORT_WRITE', `cannot write ${what} to ${path} (${target.refused}); name a file`);
  return target;
}

/**
 * Make sure every planned output can be written: create missing parent directories (as the default `results/` is
 * created), refuse a path that is a directory (or a block device, a socket), follow a symlink to its target, let a
 * character device or FIFO be (written in place), and prove the directory of a file writable by creating and
 * removing a probe file (access(2) says yes to root on a read-only filesystem). Throws H1B_REPORT_WRITE naming the
 * first that fails.
 */
export async function prepareOutputs(outputs: readonly PlannedOutput[]): Promise<void> {
  const checkedDirs = new Set<string>();
  for (const { path, what } of outputs) {
    const fail = (reason: string, cause?: unknown): H1Error =>
      new H1Error('H1B_REPORT_WRITE', `cannot write ${what} to ${path} (${reason}); checked before measuring, so nothing was lost`, cause === undefined ? {} : { cause });
    try {
      await makeDirectory(dirname(path));
    } catch (error) {
      throw fail(`cannot create ${dirname(path)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, error);
    }
    const target = await classifyOutput(path);
    if ('refused' in target) throw fail(target.refused);
    if (target.how === 'direct') continue;
    const dir = dirname(target.path);
    if (checkedDirs.has(dir)) continue;
    const probe = join(dir, `.${basename(target.path)}.${process.pid}.probe`);
    try {
      await writeFile(probe, '', { flag: 'wx' });
    } catch (error) {
      throw fail(`cannot create a file in ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, error);
    } finally {
      await rm(probe, { force: true });
    }
    checkedDirs.add(dir);
  }
}
