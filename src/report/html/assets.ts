// The chart library (uPlot) read from node_modules once, so the page embeds it and needs no network.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { H1Error } from '../../errors.js';
import { inlineScriptText, inlineStyleText } from './escape.js';

export interface ChartAssets {
  /** uPlot's IIFE build (defines a global `uPlot`), safe to put inside `<script>`. */
  readonly script: string;
  /** uPlot's stylesheet, safe to put inside `<style>`. */
  readonly style: string;
  readonly version: string;
}

let cached: ChartAssets | null = null;

/** Load uPlot's browser build and CSS from the installed package (cached after the first call). */
export function chartAssets(): ChartAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    // The package's `exports` hides package.json, so resolve the main entry and walk up from dist/.
    root = dirname(dirname(require.resolve('uplot')));
  } catch (error) {
    throw new H1Error('H1B_TOOL_MISSING', 'the uplot package is not installed; run `npm install` in the h1bench directory', { cause: error });
  }
  const read = (file: string): string => readFileSync(join(root, 'dist', file), 'utf8');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  cached = Object.freeze({
    script: inlineScriptText(read('uPlot.iife.min.js')),
    style: inlineStyleText(read('uPlot.min.css')),
    version: pkg.version ?? 'unknown',
  });
  return cached;
}
