// Report files as commands take them in: a JSON file that is not an h1bench report at all (a benchmark's figures,
// another tool's output) is told apart from a report of another schema version, so a glob over a directory of mixed
// JSON files can skip the former with one clear line instead of failing with "upgrade h1bench".

import { H1Error } from '../errors.js';
import type { AnyReport } from './schema.js';
import { readJsonFile, validateReport } from './store.js';

export type ReportInput =
  | { readonly state: 'report'; readonly path: string; readonly report: AnyReport }
  | { readonly state: 'not-a-report'; readonly path: string; readonly reason: string };

/**
 * Why parsed JSON is not an h1bench report, or null when it claims to be one (then validateReport decides whether
 * this version can read it). A report says so twice: `kind` "run" or "suite", and `tool.name` "h1bench".
 */
export function notAReportReason(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return `a JSON ${value === null ? 'null' : typeof value}, not an object`;
  if (Array.isArray(value)) return 'a JSON array, not a report object';
  const record = value as Record<string, unknown>;
  const tool = record.tool as Record<string, unknown> | undefined;
  if (record.kind === 'run' || record.kind === 'suite' || tool?.name === 'h1bench') return null;
  return record.kind === undefined ? 'no "kind" field' : `kind ${JSON.stringify(record.kind)}`;
}

/** Read one file: a validated report, or the reason it is not a report at all; throws for unreadable files and for reports this version cannot read. */
export function loadReportInput(path: string): ReportInput {
  const parsed = readJsonFile(path);
  const reason = notAReportReason(parsed);
  if (reason !== null) return { state: 'not-a-report', path, reason };
  return { state: 'report', path, report: validateReport(parsed, path) };
}

/** The one-line warning for a skipped file. */
export function skippedLine(input: Extract<ReportInput, { state: 'not-a-report' }>): string {
  return `skipping ${input.path}: not an h1bench report (${input.reason})`;
}

/** A file that must be a report (compare's BASE and CURRENT): the report, or H1B_REPORT_SCHEMA saying it is none. */
export function requireReport(path: string, role: string): AnyReport {
  const input = loadReportInput(path);
  if (input.state === 'report') return input.report;
  throw new H1Error('H1B_REPORT_SCHEMA', `${role} ${path} is not an h1bench report (${input.reason}); give a report written by bench run or bench suite`);
}
