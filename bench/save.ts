// Where a bench script's figures go: results/bench/<name>-<UTC timestamp>.json, apart from the reports in results/.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineInfo } from '../src/metrics/machine.js';
import { PACKAGE_ROOT } from '../src/version.js';

/**
 * Write `figures` with the machine they were measured on to results/bench/<name>-<YYYY-MM-DDTHHMMSSZ>.json (the
 * directory is created); returns the path. Throws what writeFileSync throws.
 */
export function saveBenchFigures(name: string, figures: Record<string, unknown>): string {
  const startedAt = new Date();
  const stamp = `${startedAt.toISOString().slice(0, 19).replace(/:/g, '')}Z`;
  const dir = join(PACKAGE_ROOT, 'results', 'bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}-${stamp}.json`);
  writeFileSync(path, `${JSON.stringify({ kind: `bench-${name}`, savedAt: startedAt.toISOString(), machine: machineInfo(), ...figures }, null, 2)}\n`);
  return path;
}
