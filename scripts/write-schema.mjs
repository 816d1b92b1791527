// Writes the published JSON Schema of reports (schema/report-v<N>.json) from its one definition, src/report/schema.ts.
// Run by `npm run schema` after changing the schema; test/report/schema-file.test.ts fails while the file is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { reportJsonSchema, SCHEMA_VERSION } = await import(join(root, 'dist/src/report/schema.js'));
const path = join(root, 'schema', `report-v${SCHEMA_VERSION}.json`);
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${path}\n`);
