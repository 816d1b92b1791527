// Report files: atomic writes (temp file + rename), default names that sort by time, validated reads.

import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { H1Error } from '../errors.js';
import { TOOL } from '../version.js';
import { makeDirectory, outputTarget } from './output-paths.js';
import { Value } from '@sinclair/typebox/value';
import { RunReport, SCHEMA_VERSION, SuiteReport, type AnyReport } from './schema.js';

/** `2026-11-25T034903.123Z`: UTC, lexically sortable, no ':' (invalid in Windows file names). */
export function sortableTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/^(\d{4})(\d{2})(\d{2})/, '$1-$2-$3');
}

/** Default report path: `results/<timestamp>-<mode>.json`, relative to the working directory. */
export function defaultReportPath(mode: string, date: Date = new Date(), dir = 'results'): string {
  return join(dir, `${sortableTimestamp(date)}-${mode}.json`);
}

/** Options for {@link writeTextAtomic}. */
export interface WriteTextOptions {
  /** Create the parent directory first (default output paths such as `results/`). */
  readonly createDir?: boolean;
  /** What is being written, for the error message: `cannot write <what> to <path>`; omitted: `cannot write <path>`. */
  readonly what?: string;
}

/**
 * Write text so readers (a report reader, a browser reloading the page, a CI artefact upload) never see a
 * partial file: write a temp file in the same directory (rename is atomic only within one filesystem), then
 * rename over the target. A symlink is followed, and a character device or FIFO (`/dev/null`, a named pipe) is
 * written in place (see {@link outputTarget}). On any failure the temp file is removed and H1B_REPORT_WRITE is thrown.
 */
export async function writeTextAtomic(path: string, text: string, options: WriteTextOptions = {}): Promise<void> {
  const what = options.what ?? 'the output';
  if (options.createDir) {
    await makeDirectory(dirname(path)).catch(() => {
      // Reported below with the write's own reason.
    });
  }
  const target = await outputTarget(path, what);
  const dir = dirname(target.path);
  const temp = join(dir, `.${basename(target.path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    if (target.how === 'direct') {
      await writeFile(target.path, text);
    } else {
      await writeFile(temp, text, { flag: 'wx' });
      await rename(temp, target.path);
    }
  } catch (error) {
    // The cleanup must not replace the real error: rm throws ENOTDIR when a parent in the path is a file.
    await rm(temp, { force: true }).catch(() => {});
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    const named = options.what === undefined ? path : `${options.what} to ${path}`;
    throw new H1Error('H1B_REPORT_WRITE', `cannot write ${named} (${reason}); check that ${dir} exists and is writable`, {
      cause: error,
    });
  }
}

/** Write a report atomically (see {@link writeTextAtomic}); serialisation failures also throw H1B_REPORT_WRITE. */
export async function writeReport(path: string, report: AnyReport, options: { createDir?: boolean } = {}): Promise<void> {
  let text: string;
  try {
    text = `${JSON.stringify(report, null, 2)}\n`;
  } catch (error) {
    throw new H1Error('H1B_REPORT_WRITE', `cannot serialise the report for ${path}: ${String(error)}`, { cause: error });
  }
  await writeTextAtomic(path, text, { createDir: options.createDir === true, what: 'the report' });
}

/** How many schema violations an H1B_REPORT_SCHEMA message lists before "and N more". */
const ERRORS_SHOWN = 3;

/**
 * Check that parsed JSON is a report this version understands, deeply: every field of the schema
 * (src/report/schema.ts, published as schema/report-v1.json) with its type, and no field it does not define.
 * Throws H1B_REPORT_SCHEMA naming `source` and the JSON pointer of each violation, e.g.
 * `x.json: /latencyMs/p50: Expected number`.
 */
export function validateReport(value: unknown, source: string): AnyReport {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('schemaVersion' in value)) {
    throw new H1Error('H1B_REPORT_SCHEMA', `${source} is not an h1bench report (a JSON object with a schemaVersion)`);
  }
  const report = value as Record<string, unknown>;
  if (report.schemaVersion !== SCHEMA_VERSION) {
    throw new H1Error(
      'H1B_REPORT_SCHEMA',
      `${source} has schemaVersion ${JSON.stringify(report.schemaVersion)}; ${TOOL.name} ${TOOL.version} reads schemaVersion ` +
        `${SCHEMA_VERSION} only: upgrade ${TOOL.name} or regenerate the report`,
    );
  }
  const schema = report.kind === 'run' ? RunReport : report.kind === 'suite' ? SuiteReport : null;
  if (schema === null) {
    throw new H1Error('H1B_REPORT_SCHEMA', `${source} has kind ${JSON.stringify(report.kind)}; expected "run" or "suite"`);
  }
  if (!Value.Check(schema, value)) {
    const errors = [...Value.Errors(schema, value)];
    const shown = errors.slice(0, ERRORS_SHOWN).map((error) => `${error.path || '/'}: ${error.message}`);
    const more = errors.length > ERRORS_SHOWN ? `; and ${errors.length - ERRORS_SHOWN} more` : '';
    throw new H1Error(
      'H1B_REPORT_SCHEMA',
      `${source} does not match the ${report.kind} report schema (schemaVersion ${SCHEMA_VERSION}): ${shown.join('; ')}${more}; regenerate the report`,
    );
  }
  return value as AnyReport;
}

/** Parse a JSON file; H1B_REPORT_READ (naming the file) when it cannot be read or is not JSON. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new H1Error('H1B_REPORT_READ', `cannot read report ${path} (${reason})`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new H1Error('H1B_REPORT_READ', `${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Read and validate a report file (run or suite). Synchronous: reports are small and read once. */
export function readReport(path: string): AnyReport {
  return validateReport(readJsonFile(path), path);
}
