import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateOpenApiDocument, OPENAPI_FILE, REGENERATE_COMMAND, serializeOpenApiDocument } from './openapi-document';

/**
 * `npm run openapi` (after `nest build`, so the Swagger plugin's metadata is the server's):
 * writes openapi.json, or with `--check` fails when the file differs from the code.
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { check: { type: 'boolean', default: false } } });
  const file = positionals[0] ?? OPENAPI_FILE;
  const text = serializeOpenApiDocument(await generateOpenApiDocument());
  if (!values.check) {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${file}\n`);
    return;
  }
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // a missing file is stale too
  }
  if (current !== text) {
    process.stderr.write(`${file} is stale: run \`${REGENERATE_COMMAND}\` and commit the result\n`);
    process.exit(1);
  }
  process.stdout.write(`${file} is up to date\n`);
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
