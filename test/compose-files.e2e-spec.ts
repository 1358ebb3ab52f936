import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DCLinter } from 'dclint';

const ROOT = join(__dirname, '..');
/** What dclint reports when a file is not YAML, fails the schema, or cannot be read. */
const VALIDATION_RULES = new Set(['invalid-yaml', 'invalid-schema', 'unknown-error']);
const SKIP = new Set(['node_modules', '.git', 'dist', 'data', 'coverage']);

/** Every Compose file of the repository (docker-compose*.yml, compose*.yaml, …). */
function composeFiles(dir = ROOT): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.readme-')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...composeFiles(path));
    else if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(entry.name)) found.push(path);
  }
  return found.sort();
}

/**
 * The Compose Specification's JSON schema check of dclint (it ships the schema and validates
 * each file against it before its style rules): the messages of that check for each file.
 * Style rules (key order, quoted ports) are not this test's business.
 */
function schemaErrors(paths: string[]): Record<string, string[]> {
  const linter = new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] });
  const out: Record<string, string[]> = {};
  for (const result of linter.lintFiles(paths, false)) {
    out[relative(ROOT, result.filePath) || result.filePath] = result.messages
      .filter((m: { rule: string }) => VALIDATION_RULES.has(m.rule))
      .map((m: { message: string }) => m.message);
  }
  return out;
}

describe('Compose files validate against the Compose Specification schema', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'op-compose-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds the compose files: the deployment and the ClickHouse cluster example', () => {
    expect(composeFiles().map((p) => relative(ROOT, p))).toEqual(
      expect.arrayContaining(['docker-compose.yml', join('deploy', 'clickhouse-cluster', 'docker-compose.yml')]),
    );
  });

  it('every compose file of the repository is valid', () => {
    const files = composeFiles();
    const errors = schemaErrors(files);
    expect(Object.keys(errors)).toHaveLength(files.length);
    for (const messages of Object.values(errors)) expect(messages).toEqual([]);
  });

  it('a broken one fails: an unknown key, a wrong depends_on condition, a port of the wrong type', () => {
    const original = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const broken = {
      'unknown-key.yml': original.replace('  proxy:\n    image: caddy:2\n', '  proxy:\n    image: caddy:2\n    replicas: 2\n'),
      'condition.yml': original.replace('condition: service_healthy', 'condition: healthy'),
      'port.yml': 'services:\n  api:\n    image: analytics-api\n    ports: 3333\n',
    };
    for (const [name, text] of Object.entries(broken)) {
      expect(text).not.toEqual(original);
      writeFileSync(join(scratch, name), text);
    }
    const errors = schemaErrors(Object.keys(broken).map((n) => join(scratch, n)));
    expect(Object.keys(errors)).toHaveLength(3);
    for (const [file, messages] of Object.entries(errors)) {
      expect({ file, messages }).toEqual({ file, messages: [expect.stringMatching(/^ComposeValidationError: /)] });
    }
  });
});
