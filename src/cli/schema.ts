/**
 * `wi-gen schema`: the spec's JSON Schema, for editors (`# yaml-language-server: $schema=…`).
 * The input side of the zod schema: fields with defaults are optional, `.strict` objects stay
 * closed, and every `.describe()` text becomes a description.
 */
import { z } from 'zod';
import { specSchema } from '../spec/schema.js';

/** Committed at schema/wi-gen.schema.json; `npm run schema` rewrites it, a test fails when stale. */
export const SCHEMA_FILE = 'schema/wi-gen.schema.json';

export function specJsonSchema(): string {
  const schema = z.toJSONSchema(specSchema(), { io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return `${JSON.stringify({ $schema, title: 'wi-gen WorkloadIdentitySpec', ...rest }, null, 2)}\n`;
}
