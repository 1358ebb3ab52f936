import { authHeaders, useTestApp } from './setup/test-app';
import { rawExchange, statusLine } from './setup/raw-http';

/**
 * D15: what Fastify and Node's HTTP parser refuse on their own answers in the API's shape
 * `{ status, error, message }` and never quotes the request; routes of the OpenPanel-style APIs
 * with a body take JSON only (415 otherwise), while capture routes keep their form and
 * text/plain bodies (test/capture-*.e2e-spec.ts).
 */
describe('errors raised below the handlers answer in the API shape', () => {
  const MARKER = 'MARKER-0123456789';
  const t = useTestApp({ MANAGE_RATE_LIMIT: '10000' });
  let port: number;

  beforeAll(async () => {
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });

  describe("requests Node's HTTP parser refuses (on a real socket)", () => {
    const cases: [string, number, string, string][] = [
      [
        'headers over 16 KB',
        431,
        'Request headers are too large',
        `GET /export/events HTTP/1.1\r\nHost: x\r\nopenpanel-client-secret: ${MARKER}${'x'.repeat(60_000)}\r\n\r\n`,
      ],
      ['a NUL byte in a header', 400, 'Malformed HTTP request', `GET /healthz/live HTTP/1.1\r\nHost: x\r\nX-Probe: ${MARKER}\0b\r\n\r\n`],
      [
        'an obs-fold header line',
        400,
        'Malformed HTTP request',
        `GET /healthz/live HTTP/1.1\r\nHost: x\r\nX-Probe: a\r\n ${MARKER}\r\n\r\n`,
      ],
      [
        'Content-Length together with Transfer-Encoding',
        400,
        'Malformed HTTP request',
        `POST /track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ],
    ];
    it.each(cases)('%s → %d in the API shape, connection closed', async (_label, status, message, request) => {
      const answer = await rawExchange(port, request);
      expect(statusLine(answer.text)).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(answer.text).toMatch(/\r\nContent-Type: application\/json; charset=utf-8\r\n/i);
      expect(answer.json()).toEqual({ status, error: expect.any(String), message });
      expect(answer.text).not.toContain(MARKER);
    });
  });

  describe('requests the router refuses', () => {
    it('a path parameter longer than any the API documents → 414 in the API shape, without the path', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/manage/projects/${MARKER}${'x'.repeat(3100)}`, headers: authHeaders(t.root) });
      expect(res.statusCode).toBe(414);
      expect(res.json()).toEqual({ status: 414, error: 'URI Too Long', message: 'A path parameter is too long' });
      expect(res.body).not.toContain(MARKER);
    });

    it('a path segment that is not valid percent-encoding → 400 in the API shape, without the path', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/manage/projects/${MARKER}%E0%A4%A`, headers: authHeaders(t.root) });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ status: 400, error: 'Bad Request', message: expect.stringMatching(/^The URL is not valid/) });
      expect(res.body).not.toContain(MARKER);
    });
  });

  describe('JSON routes take JSON only', () => {
    const post = (contentType: string | undefined, payload: string) =>
      t.app.inject({
        method: 'POST',
        url: '/manage/projects',
        headers: { ...authHeaders(t.root), ...(contentType ? { 'content-type': contentType } : {}) },
        payload,
      });
    const UNSUPPORTED = {
      status: 415,
      error: 'Unsupported Media Type',
      message: 'Unsupported content type: this route takes application/json',
    };

    it.each([
      ['application/x-www-form-urlencoded', 'name=Form+project'],
      ['text/plain', '{"name":"Text project"}'],
      [`application/${MARKER}`, '{"name":"Odd project"}'],
    ])('POST /manage/projects with %s → 415 in the API shape, nothing created', async (contentType, payload) => {
      const res = await post(contentType, payload);
      expect(res.statusCode).toBe(415);
      expect(res.json()).toEqual(UNSUPPORTED);
      const list = await t.app.inject({ method: 'GET', url: '/manage/projects', headers: authHeaders(t.root) });
      expect(list.json().data).toEqual([]);
    });

    it('a JSON body, with or without a charset, is taken as before', async () => {
      expect((await post('application/json', '{"name":"Json project"}')).statusCode).toBe(201);
      expect((await post('application/json; charset=utf-8', '{"name":"Json project"}')).statusCode).toBe(201);
    });

    it('/track refuses a form body with 415 too', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(t.root), 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'type=track',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toEqual(UNSUPPORTED);
    });
  });
});
