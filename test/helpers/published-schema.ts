// Validates reports against the published JSON Schema file (schema/report-v1.json) with ajv, an independent
// validator: what CI tools reading h1bench reports would do.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';

export const SCHEMA_FILE = fileURLToPath(new URL('../../../schema/report-v1.json', import.meta.url));

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);

/** The report (parsed JSON, or the object the code built) matches the published schema; the message lists why not. */
export function assertMatchesPublishedSchema(report: unknown, what = 'report'): void {
  // Through JSON, as a CI tool sees the file: undefined optional fields vanish, numbers stay numbers.
  const json: unknown = JSON.parse(JSON.stringify(report));
  const ok = validate(json);
  assert.ok(ok, `${what} does not match schema/report-v1.json: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
}
