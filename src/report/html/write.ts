// Writes a rendered HTML report atomically (temp file in the same directory, then rename).

import { writeTextAtomic } from '../store.js';
import type { RunReport } from '../schema.js';
import { renderRunsHtml, reportName } from './render.js';

/** Readers (a browser reloading the file, CI artefact upload) never see a half-written page. */
export async function writeHtmlReport(path: string, html: string): Promise<void> {
  await writeTextAtomic(path, html, { what: 'the HTML report', createDir: true });
}

/** Where `bench report` writes by default: `x.json` → `x.html` beside it; several inputs → `report.html`. */
export function defaultHtmlPath(inputs: readonly string[]): string {
  const only = inputs.length === 1 ? inputs[0] : undefined;
  if (only === undefined) return 'report.html';
  return only.toLowerCase().endsWith('.json') ? `${only.slice(0, -5)}.html` : `${only}.html`;
}

/** `bench run --html`: render one run report and write it beside its JSON (`x.json` → `x.html`). Returns the path. */
export async function writeRunHtmlBeside(jsonPath: string, report: RunReport): Promise<string> {
  const path = defaultHtmlPath([jsonPath]);
  await writeHtmlReport(path, renderRunsHtml([{ name: reportName(report, jsonPath), report }]));
  return path;
}
