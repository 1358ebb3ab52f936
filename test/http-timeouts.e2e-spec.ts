import { connect } from 'node:net';
import { useTestApp } from './setup/test-app';
import { rawExchange, statusLine } from './setup/raw-http';

/**
 * D9: a request must arrive within REQUEST_TIMEOUT_MS (headers within HEADERS_TIMEOUT_MS),
 * whoever reads its body, or the server answers 408 and closes the connection. Checked on a
 * real port: only a socket reaches Node's HTTP parser and its timers.
 */
describe('request timeouts (a trickled request cannot hold a connection)', () => {
  const REQUEST_TIMEOUT_MS = 2000;
  const HEADERS_TIMEOUT_MS = 1000;
  const KEEP_ALIVE_TIMEOUT_MS = 4000;
  // Node checks for expired requests every quarter of the shorter timeout (250 ms here);
  // the rest is room for a busy test machine.
  const SLACK_MS = 1500;
  const t = useTestApp({
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
  });
  let port: number;

  beforeAll(async () => {
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });

  async function servesNextRequest(): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${port}/healthz/live`);
    expect(res.status).toBe(200);
  }

  function expectTimedOut(closedAfterMs: number, text: string, timeoutMs: number): void {
    expect(closedAfterMs).toBeGreaterThanOrEqual(timeoutMs - 100);
    expect(closedAfterMs).toBeLessThan(timeoutMs + SLACK_MS);
    expect(statusLine(text)).toBe('HTTP/1.1 408 Request Timeout');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({
      status: 408,
      error: 'Request Timeout',
      message: 'The request did not arrive in time',
    });
  }

  it('a JSON body trickled one byte at a time to /track is cut at the request timeout (408), and the next request is served', async () => {
    const head = 'POST /track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{';
    const { closedAfterMs, text } = await rawExchange(port, head, { drip: ' ', everyMs: 200, giveUpMs: REQUEST_TIMEOUT_MS + 8000 });
    expectTimedOut(closedAfterMs, text, REQUEST_TIMEOUT_MS);
    await servesNextRequest();
  });

  it('a capture route, which reads its raw body itself, is cut the same way (PostHog /batch)', async () => {
    const head = 'POST /batch/ HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n{';
    const { closedAfterMs, text } = await rawExchange(port, head, { drip: ' ', everyMs: 200, giveUpMs: REQUEST_TIMEOUT_MS + 8000 });
    expectTimedOut(closedAfterMs, text, REQUEST_TIMEOUT_MS);
    await servesNextRequest();
  });

  it('a chunked body that never ends is cut too', async () => {
    const head = 'POST /track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n';
    const { closedAfterMs, text } = await rawExchange(port, head, {
      drip: '1\r\n \r\n',
      everyMs: 100,
      giveUpMs: REQUEST_TIMEOUT_MS + 8000,
    });
    expectTimedOut(closedAfterMs, text, REQUEST_TIMEOUT_MS);
  });

  it('headers trickled one byte at a time are cut at the headers timeout', async () => {
    const { closedAfterMs, text } = await rawExchange(port, 'GET /healthz/live HTTP/1.1\r\nHost: x\r\nX-Slow: ', {
      drip: 'a',
      everyMs: 100,
      giveUpMs: HEADERS_TIMEOUT_MS + 8000,
    });
    expectTimedOut(closedAfterMs, text, HEADERS_TIMEOUT_MS);
    await servesNextRequest();
  });

  it('a connection that sends nothing is closed at the headers timeout', async () => {
    const { closedAfterMs } = await rawExchange(port, '', { giveUpMs: HEADERS_TIMEOUT_MS + 8000 });
    expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
  });

  it('a request sent at once is answered as before', async () => {
    const head = 'GET /healthz/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const { text, closedAfterMs } = await rawExchange(port, head);
    expect(statusLine(text)).toBe('HTTP/1.1 200 OK');
    expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS);
  });

  it('an idle keep-alive connection outlives the request timeouts and is closed at the keep-alive timeout', async () => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    const ask = () => socket.write('GET /healthz/live HTTP/1.1\r\nHost: x\r\n\r\n');
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await new Promise((r) => socket.once('connect', r));
    ask();
    await wait(REQUEST_TIMEOUT_MS + 500);
    ask();
    await wait(200);
    const answeredAt = Date.now();
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    const closedAt = await closed;
    expect(closedAt - answeredAt).toBeGreaterThan(KEEP_ALIVE_TIMEOUT_MS - 1000);
    expect(closedAt - answeredAt).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS + SLACK_MS);
  });
});
