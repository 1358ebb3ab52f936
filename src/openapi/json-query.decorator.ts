import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiQuery } from '@nestjs/swagger';

export interface JsonArrayQueryDoc {
  name: string;
  description: string;
  items: Type<unknown>;
  maxItems: number;
  minItems?: number;
  /** Prefilled by Swagger UI's Try it out, so only a value that selects data (never one that filters it away). */
  prefill?: object[];
  /** Shown in the docs (a list to pick from), never sent unless picked. */
  examples?: Record<string, { summary: string; value: object[] }>;
}

/**
 * Swagger UI fills an array-of-objects parameter that has no `examples` with a sample built
 * from the item schema's property examples (`plan is pro`...), and sends it: a filter that
 * selects nothing. Listing `examples` stops that; the first, sent by default, is this empty one.
 */
const NONE = { none: { summary: 'None', value: [] } };

/**
 * Documents a query parameter that carries objects as JSON (`events`, `breakdowns`, `filters`)
 * as an array parameter, one JSON object per repeated value. Not as `content`: Swagger UI then
 * renders one box per item and wraps a typed array in another (`[[...]]`), and openapi-typescript
 * types a `content` parameter as a plain string. As an array, Swagger UI sends each box's text
 * as one value and generated clients take arrays of typed objects. The server also takes one
 * value holding a whole JSON array (OpenPanel's clients send that).
 */
export function ApiJsonArrayQuery({ name, description, items, maxItems, minItems, prefill, examples }: JsonArrayQueryDoc) {
  return applyDecorators(
    ApiExtraModels(items),
    ApiQuery({
      name,
      required: false,
      description:
        `${description}. JSON: a whole array in one value (\`${name}=[{...},{...}]\`, URL-encoded), or one object per ` +
        `repeated value (\`${name}={...}&${name}={...}\`, as this page sends each box).`,
      style: 'form',
      explode: true,
      type: items,
      isArray: true,
      maxItems,
      ...(minItems ? { minItems } : {}),
      ...(prefill ? { example: prefill } : { examples: { ...NONE, ...examples } }),
    }),
  );
}
