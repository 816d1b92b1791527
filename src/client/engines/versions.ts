// Installed versions of the reference engines' libraries, read once from their package.json for the report.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The version of an installed npm package, or 'unknown' if its package.json cannot be read. */
export function packageVersion(name: 'undici' | 'autocannon'): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    // A package whose exports hide package.json: the report still says which engine ran.
    return 'unknown';
  }
}
