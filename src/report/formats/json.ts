// JSON rendering of a comparison: the typed Comparison plus the --fail-on verdict, for scripts.

import type { Comparison } from '../compare.js';
import { describeViolation, type Violation } from '../fail-on.js';

export interface ComparisonJson extends Comparison {
  regressions: Array<{ caseId: string; metric: string; rule: string; deltaPct: number | null; p: number; message: string }>;
}

export function comparisonJson(comparison: Comparison, violations: readonly Violation[] = []): ComparisonJson {
  return {
    ...comparison,
    regressions: violations.map((violation) => ({
      caseId: violation.caseId,
      metric: violation.metric.key,
      rule: violation.rule.text,
      deltaPct: violation.metric.deltaPct,
      p: violation.metric.p,
      message: describeViolation(violation),
    })),
  };
}

export function renderJson(comparison: Comparison, violations: readonly Violation[] = []): string {
  return `${JSON.stringify(comparisonJson(comparison, violations), null, 2)}\n`;
}
