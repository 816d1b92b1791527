// The architecture as a test: no import cycle anywhere in src/ (type imports included), and every folder imports
// only the layers below it (data flows one way: cli → runner → client/report → metrics/http → shared vocabulary).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(fileURLToPath(new URL('../../../src', import.meta.url)));

/** What each top-level part of src/ may import (besides itself and node/npm packages). `.` is the shared vocabulary. */
const ALLOWED: Record<string, readonly string[]> = {
  '.': ['.'],
  http: ['.'],
  metrics: ['.'],
  server: ['.', 'http', 'metrics'],
  wire: ['.', 'http', 'metrics'],
  client: ['.', 'http', 'metrics'],
  report: ['.', 'metrics'],
  runner: ['.', 'http', 'metrics', 'server', 'wire', 'client', 'report'],
  cli: ['.', 'http', 'metrics', 'server', 'wire', 'client', 'report', 'runner'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative specifiers of every static import/export (type-only too) and dynamic import(). */
function importsOf(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s+['"](\.[^'"]+)['"]/g, /\bimport\s+['"](\.[^'"]+)['"]/g, /\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) out.push(match[1]!);
  return out;
}

/** `runner/run.ts` → `runner`; `errors.ts` → `.` */
const part = (file: string): string => {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '.';
};

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const targets = importsOf(readFileSync(file, 'utf8')).map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    edges.set(file, targets);
  }
  return edges;
}

/** Strongly connected components with more than one file (or a self-import): Tarjan's algorithm. */
function cycles(edges: Map<string, string[]>): string[][] {
  let index = 0;
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indexes.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!indexes.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexes.get(next)!));
      }
    }
    if (low.get(node) === indexes.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(SRC, member));
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!indexes.has(node)) visit(node);
  return found;
}

test('src/ has no import cycle, type imports included', () => {
  const found = cycles(graph());
  assert.deepEqual(found, [], `import cycles:\n${found.map((c) => `  ${c.join(' → ')}`).join('\n')}`);
});

test('every import goes to the same part or a layer it may use', () => {
  const violations: string[] = [];
  for (const [file, targets] of graph()) {
    const from = part(file);
    for (const target of targets) {
      const to = part(target);
      if (to !== from && !(ALLOWED[from] ?? []).includes(to)) violations.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('every part of src/ has a layering rule', () => {
  const parts = new Set(sourceFiles(SRC).map(part));
  for (const name of parts) assert.ok(name in ALLOWED, `src/${name}/ has no entry in ALLOWED`);
});

test('the cycle finder finds a cycle (so the first test can fail)', () => {
  const a = join(SRC, 'a.ts');
  const b = join(SRC, 'b.ts');
  assert.deepEqual(cycles(new Map([[a, [b]], [b, [a]]])), [['a.ts', 'b.ts']]);
  assert.deepEqual(importsOf("import type { X } from './x.js';\nexport { y } from '../y.js';\nconst m = await import('./z.js');"), ['./x.js', '../y.js', './z.js']);
});
