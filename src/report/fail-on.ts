// `--fail-on "rps:-5%,p99:+10%"`: parse regression thresholds and find the significant changes beyond them.

import { H1Error } from '../errors.js';
import { METRICS, type Comparison, type MetricComparison, type MetricKey } from './compare.js';

export interface FailRule {
  key: MetricKey;
  /** `down`: fail when the metric falls by more than the threshold; `up`: when it rises by more. */
  direction: 'up' | 'down';
  thresholdPct: number;
  /** The rule as written, for messages. */
  text: string;
}

export interface Violation {
  caseId: string;
  rule: FailRule;
  metric: MetricComparison;
}

/** Accepted spellings of each metric key (the first is canonical). */
const ALIASES: Record<string, MetricKey> = {
  rps: 'rps', 'req/s': 'rps', throughput: 'rps',
  bytes: 'bytes', 'bytes/s': 'bytes', bps: 'bytes',
  p50: 'p50', p90: 'p90', p99: 'p99', p999: 'p999', 'p99.9': 'p999',
  connect: 'connect', hs: 'hs', handshakes: 'hs', 'handshakes/req': 'hs',
};

const RULE = /^([a-z0-9./]+):([+-]?)(\d+(?:\.\d+)?)%$/i;

/**
 * Parse a comma-separated list of `metric:±N%`. The sign says which change fails: `rps:-5%` fails on a drop of
 * more than 5%, `p99:+10%` on a rise of more than 10%; without a sign the metric's worse direction is meant
 * (down for throughput, up for latency and handshakes). Throws H1B_INVALID_OPTION naming the bad part.
 */
export function parseFailOn(spec: string): FailRule[] {
  const parts = spec.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (parts.length === 0) {
    throw new H1Error('H1B_INVALID_OPTION', `--fail-on is empty; use e.g. "rps:-5%,p99:+10%"`);
  }
  return parts.map((text) => {
    const match = RULE.exec(text);
    const key = match ? ALIASES[(match[1] as string).toLowerCase()] : undefined;
    if (!match || !key) {
      const known = METRICS.map((metric) => metric.key).join(', ');
      throw new H1Error(
        'H1B_INVALID_OPTION',
        `--fail-on rule '${text}' is not metric:±N% (metrics: ${known}; e.g. "rps:-5%,p99:+10%")`,
      );
    }
    const spec = METRICS.find((metric) => metric.key === key);
    const sign = match[2];
    const direction = sign === '+' ? 'up' : sign === '-' ? 'down' : spec?.better === 'higher' ? 'down' : 'up';
    return { key, direction, thresholdPct: Number(match[3]), text };
  });
}

/** Every significant change, in any case, that moves beyond a rule's threshold in the rule's direction. */
export function evaluateFailOn(comparison: Comparison, rules: readonly FailRule[]): Violation[] {
  const violations: Violation[] = [];
  for (const item of comparison.cases) {
    for (const metric of item.metrics) {
      if (!metric.significant || metric.deltaPct === null) continue;
      for (const rule of rules) {
        if (rule.key !== metric.key) continue;
        const beyond = rule.direction === 'down' ? metric.deltaPct < -rule.thresholdPct : metric.deltaPct > rule.thresholdPct;
        if (beyond) violations.push({ caseId: item.id, rule, metric });
      }
    }
  }
  return violations;
}

/** One line per violation, e.g. `1.1-c10 req/s -12.3% (p=0.008) beyond rps:-5%`. */
export function describeViolation(violation: Violation): string {
  const delta = violation.metric.deltaPct ?? 0;
  const sign = delta > 0 ? '+' : '';
  return `${violation.caseId} ${violation.metric.label} ${sign}${delta.toFixed(2)}% (p=${violation.metric.p.toFixed(3)}) beyond ${violation.rule.text}`;
}
