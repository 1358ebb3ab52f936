import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { buildDataSourceOptions } from './data-source-options';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { SerialPgClient } from './serial-pg-client';

/**
 * Transactions and single statements from ten connections at once on the embedded database.
 * With the plain `pg` client, pglite-socket interleaves their protocol messages and this fails
 * within a few hundred statements ("portal does not exist", "bind message supplies 2
 * parameters…", or another statement's rows).
 */
describe('SerialPgClient on the embedded database', () => {
  let dir: string;
  let pg: EmbeddedPostgres;
  let pool: Pool;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'op-serial-pg-'));
    pg = await startEmbeddedPostgres(dir, { maxConnections: 10 });
    pool = new Pool({ connectionString: pg.url, max: 10, Client: SerialPgClient });
  });
  afterAll(async () => {
    await pool.end();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the client of the embedded data source only', () => {
    expect(buildDataSourceOptions({ url: pg.url, poolSize: 10, embedded: true })).toMatchObject({ extra: { Client: SerialPgClient } });
    expect(buildDataSourceOptions({ url: pg.url, poolSize: 10 })).not.toHaveProperty('extra');
  });

  it('answers every statement with its own rows, inside and outside transactions, failed ones included', async () => {
    const wrong: string[] = [];
    const failures: string[] = [];
    const transaction = async (i: number, fail: boolean) => {
      const c = await pool.connect();
      try {
        await c.query('START TRANSACTION');
        const { rows } = await c.query(fail ? 'SELECT 1 / ($1::int - $1::int) AS a' : 'SELECT $1::int AS a', [i]);
        if (rows[0].a !== i) wrong.push(`tx ${i}`);
        await c.query('COMMIT');
      } catch (e) {
        failures.push((e as Error).message);
        await c.query('ROLLBACK');
      } finally {
        c.release();
      }
    };
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 3 === 0) jobs.push(transaction(i, i % 7 === 0));
      else
        jobs.push(
          pool.query('SELECT $1::text AS b, $2::text AS c', [`x${i}`, `y${i}`]).then(({ rows }) => {
            if (rows[0].b !== `x${i}` || rows[0].c !== `y${i}`) wrong.push(`q ${i}`);
          }),
        );
    }
    await Promise.all(jobs);
    expect(wrong).toEqual([]);
    expect(new Set(failures)).toEqual(new Set(['division by zero']));
    expect(failures).toHaveLength(Math.ceil(3000 / 21));
  });
});
