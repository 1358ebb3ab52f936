/** Keywords whose value is a map of subschemas, a list of them, or one (JSON Schema 2020-12). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_ONE = new Set([
  'items',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
]);

export type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rebuilds a schema bottom-up: `fn` sees each subschema (not examples, enums or other data)
 * once its own subschemas are rebuilt.
 */
export function mapSchema(schema: unknown, fn: (node: Schema) => Schema): unknown {
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.has(key) && isSchema(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSchema(v, fn)]));
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map((v) => mapSchema(v, fn));
    else if (SCHEMA_ONE.has(key)) out[key] = mapSchema(value, fn);
    else out[key] = value;
  }
  return fn(out);
}

/** Calls `visit` on a schema and each of its subschemas, with a JSON pointer to it. */
export function forEachSchema(schema: unknown, pointer: string, visit: (node: Schema, pointer: string) => void): void {
  if (!isSchema(schema)) return;
  visit(schema, pointer);
  const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
  for (const [key, value] of Object.entries(schema)) {
    const at = `${pointer}/${escape(key)}`;
    if (SCHEMA_MAPS.has(key) && isSchema(value)) for (const [k, v] of Object.entries(value)) forEachSchema(v, `${at}/${escape(k)}`, visit);
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) value.forEach((v, i) => forEachSchema(v, `${at}/${i}`, visit));
    else if (SCHEMA_ONE.has(key)) forEachSchema(value, at, visit);
  }
}
