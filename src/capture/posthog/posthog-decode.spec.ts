import { gzipSync } from 'node:zlib';
import { compressToBase64 } from 'lz-string';
import { ApiError } from '@app/common';
import { type DecodeLimits, decodePosthogPayload, type PosthogRawRequest } from './posthog-decode';

const LIMITS: DecodeLimits = { maxDecodedBytes: 1024 * 1024, maxLz64Chars: 64 * 1024 };
const PAYLOAD = { api_key: 'k', batch: [{ event: 'e', distinct_id: 'd', properties: { text: 'héllo ünïcode a~~~>>>???' } }] };
const JSON_TEXT = JSON.stringify(PAYLOAD);

function decode(req: Partial<PosthogRawRequest>, limits = LIMITS) {
  return decodePosthogPayload({ body: Buffer.alloc(0), query: {}, ...req }, limits);
}

async function failure(p: Promise<unknown>): Promise<{ kind: string; message: string }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return { kind: e.kind, message: e.message };
}

const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());
const FORM = 'application/x-www-form-urlencoded';

describe('decodePosthogPayload', () => {
  it('plain JSON', async () => {
    expect(await decode({ body: Buffer.from(JSON_TEXT), contentType: 'application/json' })).toEqual(PAYLOAD);
  });

  it('gzip with a query hint, with Content-Encoding, and without any hint (text/plain)', async () => {
    const gz = gzipSync(JSON_TEXT);
    expect(await decode({ body: gz, query: { compression: 'gzip-js' } })).toEqual(PAYLOAD);
    expect(await decode({ body: gz, contentEncoding: 'gzip', contentType: 'application/json' })).toEqual(PAYLOAD);
    expect(await decode({ body: gz, contentType: 'text/plain' })).toEqual(PAYLOAD);
  });

  it('a whole body in base64, and base64 of gzip', async () => {
    expect(await decode({ body: Buffer.from(Buffer.from(JSON_TEXT).toString('base64')) })).toEqual(PAYLOAD);
    expect(await decode({ body: Buffer.from(gzipSync(JSON_TEXT).toString('base64')) })).toEqual(PAYLOAD);
  });

  it('form data= plain, base64 with + turned into spaces, lz64', async () => {
    expect(await decode({ body: form({ data: JSON_TEXT }), contentType: FORM })).toEqual(PAYLOAD);
    const b64 = Buffer.from(JSON_TEXT).toString('base64');
    expect(b64).toContain('+');
    // A sender that did not escape `+`: form decoding turns it into a space.
    const raw = Buffer.from(`data=${b64}&compression=base64`);
    expect(await decode({ body: raw, contentType: `${FORM}; charset=utf-8` })).toEqual(PAYLOAD);
    expect(await decode({ body: form({ data: compressToBase64(JSON_TEXT), compression: 'lz64' }), contentType: FORM })).toEqual(PAYLOAD);
    const lzRaw = Buffer.from(`data=${compressToBase64(JSON_TEXT)}&compression=lz64`);
    expect(await decode({ body: lzRaw, contentType: FORM })).toEqual(PAYLOAD);
  });

  it('GET ?data= (plain and base64), the query winning over the body', async () => {
    expect(await decode({ query: { data: JSON_TEXT } })).toEqual(PAYLOAD);
    expect(await decode({ query: { data: Buffer.from(JSON_TEXT).toString('base64').replace(/\+/g, ' ') } })).toEqual(PAYLOAD);
    expect(await decode({ query: { data: JSON_TEXT }, body: Buffer.from('garbage') })).toEqual(PAYLOAD);
  });

  it('an unknown hint is no hint; a gzip hint on a body that is not gzip reads it as plain', async () => {
    expect(await decode({ body: Buffer.from(JSON_TEXT), query: { compression: 'brotli' } })).toEqual(PAYLOAD);
    expect(await decode({ body: Buffer.from(JSON_TEXT), contentEncoding: 'gzip' })).toEqual(PAYLOAD);
  });

  it('empty → 400; invalid gzip, UTF-8, JSON, lz64 → 400', async () => {
    expect(await failure(decode({}))).toEqual({ kind: 'bad_request', message: 'No data found in the request' });
    expect(await failure(decode({ body: form({ other: 'x' }), contentType: FORM }))).toMatchObject({ kind: 'bad_request' });
    expect(await failure(decode({ body: Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4]) }))).toEqual({
      kind: 'bad_request',
      message: 'Body is not valid gzip',
    });
    expect(await failure(decode({ body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }))).toEqual({
      kind: 'bad_request',
      message: 'Body is not valid UTF-8',
    });
    expect(await failure(decode({ body: Buffer.from('{"event":') }))).toEqual({ kind: 'bad_request', message: 'Body is not valid JSON' });
    expect(await failure(decode({ body: Buffer.from('!!!'), query: { compression: 'lz64' } }))).toEqual({
      kind: 'bad_request',
      message: 'Body is not valid lz64',
    });
  });

  it('a gzip bomb → 413, and so does an lz64 body over its cap', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(await failure(decode({ body: bomb }))).toEqual({ kind: 'payload_too_large', message: 'Decompressed body is too large' });
    expect(
      await failure(decode({ body: Buffer.from('A'.repeat(100)), query: { compression: 'lz64' } }, { ...LIMITS, maxLz64Chars: 50 })),
    ).toMatchObject({
      kind: 'payload_too_large',
    });
  });
});
