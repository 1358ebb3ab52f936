import { DataSource } from 'typeorm';
import { authHeaders, type TestApp, useTestApp } from './setup/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Everything the process prints while `fn` runs: stdout, stderr and the console (Jest's
 * console does not go through process.stdout). Passed through, only recorded.
 */
async function printedDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const printed: string[] = [];
  const spies = [
    ...(['stdout', 'stderr'] as const).map((name) => {
      const stream = process[name];
      const write = stream.write.bind(stream);
      return jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
        printed.push(String(chunk));
        return write(chunk, ...rest);
      }) as typeof stream.write);
    }),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((name) =>
      jest.spyOn(console, name).mockImplementation((...args: unknown[]) => {
        printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      }),
    ),
  ];
  try {
    await fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return printed;
}

/** D18: request ids are made by the server only, and failed SQL is logged without its parameters. */
describe('request ids and what the logs carry', () => {
  const t = useTestApp({ MANAGE_RATE_LIMIT: '10000' });

  it('a caller cannot choose the request id: x-request-id FAKE is answered with a server-made id, a new one each time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/manage/projects',
        headers: { ...authHeaders(t.root), 'x-request-id': 'FAKE' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-request-id']).toMatch(UUID);
      ids.push(String(res.headers['x-request-id']));
    }
    expect(new Set(ids).size).toBe(2);
  });

  it('a refusal of the router (a path parameter too long) carries a server-made id too', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/manage/projects/${'x'.repeat(4000)}`,
      headers: { ...authHeaders(t.root), 'x-request-id': 'FAKE' },
    });
    expect(res.statusCode).toBe(414);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('a failed query is logged by its SQLSTATE and statement, never with its parameters', async () => {
    const marker = `PARAM-${Date.now()}`;
    const db = t.app.get(DataSource);
    const printed = (
      await printedDuring(() => expect(db.query('SELECT $1::uuid AS id, $2::text AS other', [marker, `${marker}-2`])).rejects.toThrow())
    ).join('\n');
    expect(printed).toContain('query failed');
    expect(printed).toContain('22P02');
    expect(printed).toContain('SELECT $1::uuid AS id');
    expect(printed).not.toContain(marker);
  });

  // Last: it takes the database away from the app.
  it("a 500 names the server id, never the caller's; the log line carries both, the caller's apart", async () => {
    await t.app.get(DataSource).destroy();
    let res!: Awaited<ReturnType<TestApp['app']['inject']>>;
    const printed = await printedDuring(async () => {
      res = await t.app.inject({
        method: 'GET',
        url: '/manage/projects',
        headers: { ...authHeaders(t.root), 'x-request-id': `FAKE${'-x'.repeat(100)}` },
      });
    });
    expect(res.statusCode).toBe(500);
    const id = String(res.headers['x-request-id']);
    expect(id).toMatch(UUID);
    expect(res.json()).toEqual({ status: 500, error: 'Internal Server Error', message: `Internal server error (request ${id})` });
    expect(res.body).not.toContain('FAKE');
    const line = printed.find((chunk) => chunk.includes(id));
    expect(line).toBeDefined();
    expect(line).toMatch(/callerRequestId/);
    expect(line).toContain(`FAKE${'-x'.repeat(30)}`);
    expect(line).not.toContain(`FAKE${'-x'.repeat(31)}`);
  });
});
