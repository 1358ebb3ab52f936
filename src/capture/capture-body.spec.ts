import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ApiError } from '@app/common';
import { decodeJsonBody, mediaType, readBody } from './capture-body';

function request(headers: Record<string, string>, chunks: Buffer[]): IncomingMessage {
  const stream = new PassThrough() as unknown as IncomingMessage & PassThrough;
  Object.assign(stream, { headers });
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
  return stream;
}

async function kind(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof ApiError ? e.kind : String(e)),
  );
}

describe('readBody', () => {
  it('reads a body up to the limit, with or without Content-Length', async () => {
    expect((await readBody(request({ 'content-length': '5' }, [Buffer.from('hello')]), 5)).toString()).toBe('hello');
    expect((await readBody(request({ 'transfer-encoding': 'chunked' }, [Buffer.from('ab'), Buffer.from('cd')]), 10)).toString()).toBe(
      'abcd',
    );
    expect((await readBody(request({}, []), 10)).length).toBe(0);
  });

  it('refuses a declared length over the limit before reading, and a chunked body as soon as it crosses it (413)', async () => {
    expect(await kind(readBody(request({ 'content-length': '11' }, [Buffer.alloc(11)]), 10))).toBe('payload_too_large');
    const chunked = request({ 'transfer-encoding': 'chunked' }, [Buffer.alloc(6), Buffer.alloc(6), Buffer.alloc(6)]);
    expect(await kind(readBody(chunked, 10))).toBe('payload_too_large');
  });
});

describe('decodeJsonBody', () => {
  it('plain or gzip (by Content-Encoding or magic bytes); empty, bad gzip, bad JSON → 400', async () => {
    expect(await decodeJsonBody(Buffer.from('{"a":1}'), undefined, 100)).toEqual({ a: 1 });
    expect(await decodeJsonBody(gzipSync('{"a":1}'), 'gzip', 100)).toEqual({ a: 1 });
    expect(await decodeJsonBody(gzipSync('{"a":1}'), undefined, 100)).toEqual({ a: 1 });
    expect(await kind(decodeJsonBody(Buffer.alloc(0), undefined, 100))).toBe('bad_request');
    expect(await kind(decodeJsonBody(Buffer.from('{"a":1}'), 'gzip', 100))).toBe('bad_request');
    expect(await kind(decodeJsonBody(Buffer.from('{"a":'), undefined, 100))).toBe('bad_request');
    expect(await kind(decodeJsonBody(gzipSync('x'.repeat(1000)), 'gzip', 100))).toBe('payload_too_large');
  });

  it('mediaType drops parameters and case', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType(undefined)).toBe('');
  });
});
