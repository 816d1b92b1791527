// Markdown rendering of a comparison for PR comments and $GITHUB_STEP_SUMMARY (GitHub-flavoured tables).

import type { Comparison } from '../compare.js';
import { describeViolation, type Violation } from '../fail-on.js';
import { describeRef, verdictSuffix } from './text.js';
import { comparisonNotes, formatChange, formatP, formatSide } from './units.js';

/** Pipes and newlines would break a table row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(comparison: Comparison, violations: readonly Violation[] = []): string {
  const lines: string[] = [
    '## h1bench comparison',
    '',
    `- **BASE:** ${cell(describeRef(comparison.base))}`,
    `- **CURRENT:** ${cell(describeRef(comparison.current))}`,
    `- Median of runs ± ${Math.round(comparison.confidence * 100)}% confidence interval; a change is shown only when ` +
      `the Mann-Whitney U test gives p < ${comparison.alpha}, otherwise \`~\`.`,
  ];
  if (violations.length > 0) {
    lines.push('', `> **Regression:** ${violations.map((violation) => cell(describeViolation(violation))).join('; ')}`);
  }
  for (const item of comparison.cases) {
    lines.push('', `### ${cell(item.id)}`, '', '| metric | BASE | CURRENT | change | p |', '|---|---:|---:|---:|---:|');
    for (const metric of item.metrics) {
      const change = `${formatChange(metric)}${verdictSuffix(metric.verdict, metric.significant)}`;
      const shown = metric.verdict === 'worse' ? `**${change}**` : change;
      lines.push(
        `| ${cell(metric.label)} | ${cell(formatSide(metric.base, metric.unit))} | ${cell(formatSide(metric.current, metric.unit))} | ${cell(shown)} | ${cell(formatP(metric))} |`,
      );
    }
  }
  const notes = comparisonNotes(comparison);
  if (notes.length > 0) lines.push('', ...notes.map((note) => `- ${cell(note)}`));
  return `${lines.join('\n')}\n`;
}
