// The one printer for comparisons: switches on the output format, returns the text to write.

import type { Comparison } from '../compare.js';
import type { Violation } from '../fail-on.js';
import { renderBencher } from './bencher.js';
import { renderBenchmarkAction } from './github-action-benchmark.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export const COMPARE_FORMATS = ['text', 'markdown', 'json', 'github-action-benchmark', 'bencher'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

export function renderComparison(format: CompareFormat, comparison: Comparison, violations: readonly Violation[] = []): string {
  switch (format) {
    case 'text':
      return renderText(comparison, violations);
    case 'markdown':
      return renderMarkdown(comparison, violations);
    case 'json':
      return renderJson(comparison, violations);
    case 'github-action-benchmark':
      return renderBenchmarkAction(comparison);
    case 'bencher':
      return renderBencher(comparison);
  }
}
