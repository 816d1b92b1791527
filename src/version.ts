// h1bench's own name, version and install root, found once from this file's location.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Walk up from the compiled file to the directory holding h1bench's package.json (works from any outDir). */
function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'h1bench') {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`h1bench package.json not found above ${start}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };

export const TOOL = Object.freeze({ name: 'h1bench' as const, version: pkg.version });
