import { applyDecorators } from '@nestjs/common';
import { ApiHideProperty } from '@nestjs/swagger';
import { plainToInstance, Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, ValidateNested } from 'class-validator';

/**
 * Query-string decoding shared by the export DTOs. They run as class-transformer
 * `@Transform`s, before validation: whatever cannot be decoded is passed on unchanged so the
 * validators report it at the field's path instead of a transform throwing.
 */

/** JSON text decoded, or the text itself when it is not JSON (the validators then say why). */
function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Objects of `cls` from a query parameter, given as one JSON array (`events=[{...},{...}]`,
 * URL-encoded, as OpenPanel's clients send it) or repeated with one JSON object (or array)
 * per value (`events={...}&events={...}`, the form Swagger UI and generated clients send for
 * an array parameter). The values' arrays are concatenated in order.
 */
export function jsonArrayOf<T>(cls: new () => T) {
  return ({ value }: { value: unknown }): unknown => {
    const parsed = Array.isArray(value) ? value.map(parsedJson) : parsedJson(value);
    if (!Array.isArray(parsed)) return typeof parsed === 'object' && parsed !== null ? [plainToInstance(cls, parsed)] : parsed;
    const items = Array.isArray(value) ? parsed.flatMap((part: unknown) => (Array.isArray(part) ? part : [part])) : parsed;
    return items.map((item) => (typeof item === 'object' && item !== null && !Array.isArray(item) ? plainToInstance(cls, item) : item));
  };
}

/**
 * A list given any way clients send one: repeated (`event=a&event=b`), comma-separated
 * (`event=a,b`) or as a JSON array (`event=["a,b"]`, the only spelling for a value that
 * holds a comma). Empty entries are dropped.
 */
export function stringList({ value }: { value: unknown }): unknown {
  if (value === undefined || value === null) return undefined;
  const parts = Array.isArray(value) ? value : [value];
  const out: unknown[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') {
      out.push(part);
      continue;
    }
    const text = part.trim();
    if (text.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed)) {
          out.push(...parsed);
          continue;
        }
      } catch {
        // not JSON: an ordinary comma list that happens to start with a bracket
      }
    }
    out.push(...text.split(',').map((s) => s.trim()));
  }
  return out.filter((s) => s !== '');
}

/** `true`/`false`/`1`/`0` (any case); anything else stays as sent and fails `@IsBoolean`. */
export function booleanFlag({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return value;
}

/** An integer query value; anything else stays as sent and fails `@IsInt`. */
export function integer({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value.trim())) return value;
  return Number(value.trim());
}

/**
 * An optional list of `cls` objects sent as JSON (`events`, `breakdowns`, `filters`; see
 * jsonArrayOf). Hidden from the generated parameter list: the controller documents it with
 * ApiJsonArrayQuery, whose serialisation the plugin cannot express.
 */
export function JsonArrayQuery<T>(cls: new () => T, maxItems: number) {
  return applyDecorators(
    ApiHideProperty(),
    IsOptional(),
    Transform(jsonArrayOf(cls)),
    IsArray({ message: 'Expected a JSON array' }),
    ArrayMaxSize(maxItems),
    ValidateNested({ each: true, message: 'Expected a JSON array of objects' }),
  );
}
