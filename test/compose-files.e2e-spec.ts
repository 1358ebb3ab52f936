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

/**
 * The cluster example's XML and its compose file name the same servers: a replica or Keeper
 * node the XML names must be a service, and each server's macros come from its environment.
 */
describe('The ClickHouse cluster example is consistent', () => {
  const dir = join(ROOT, 'deploy', 'clickhouse-cluster');
  const compose = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
  const cluster = readFileSync(join(dir, 'config', 'cluster.xml'), 'utf8');
  const keeper = readFileSync(join(dir, 'keeper', 'keeper_config.xml'), 'utf8');
  /** The text of one service of the compose file (from its name to the next service). */
  const service = (name: string) => new RegExp(`^  ${name}:\\n((?:    .*\\n|\\n)*)`, 'm').exec(compose)?.[1];

  it('two shards of two replicas, each a service with its shard and replica macros', () => {
    const shards = [...cluster.matchAll(/<shard>([\s\S]*?)<\/shard>/g)].map((m) =>
      [...m[1].matchAll(/<host>([^<]+)<\/host>/g)].map((h) => h[1]),
    );
    expect(shards).toEqual([
      ['ch-s1r1', 'ch-s1r2'],
      ['ch-s2r1', 'ch-s2r2'],
    ]);
    shards.forEach((hosts, i) => {
      for (const host of hosts) {
        const text = service(host);
        expect({ host, text }).toEqual({ host, text: expect.stringContaining(`CLICKHOUSE_SHARD: "0${i + 1}"`) });
        expect(text).toContain(`CLICKHOUSE_REPLICA: ${host}`);
      }
    });
    expect(cluster).toContain('<internal_replication>true</internal_replication>');
    expect(compose).toContain('CLICKHOUSE_CLUSTER: analytics');
    expect(cluster).toMatch(/<remote_servers>\s*<analytics>/);
  });

  it('three Keeper nodes, each a service with its server id, and the servers use all three', () => {
    const raft = [...keeper.matchAll(/<server><id>(\d+)<\/id><hostname>([^<]+)<\/hostname>/g)].map((m) => [m[1], m[2]]);
    expect(raft).toEqual([
      ['1', 'keeper1'],
      ['2', 'keeper2'],
      ['3', 'keeper3'],
    ]);
    for (const [id, host] of raft) expect(service(host)).toContain(`KEEPER_SERVER_ID: "${id}"`);
    expect([...cluster.matchAll(/<node><host>([^<]+)<\/host><port>9181<\/port><\/node>/g)].map((m) => m[1])).toEqual([
      'keeper1',
      'keeper2',
      'keeper3',
    ]);
  });
});
