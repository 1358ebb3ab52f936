import { ndjsonLines } from './ndjson-lines';

async function lines(chunks: (string | Buffer)[], max = 1000) {
  const out: unknown[] = [];
  for await (const l of ndjsonLines(
    (async function* () {
      yield* chunks;
    })(),
    max,
  ))
    out.push(l.tooLong ? 'TOO LONG' : l.text);
  return out;
}

describe('ndjsonLines', () => {
  it('splits on newlines across chunks, drops blank lines and a trailing \\r, keeps a last line without newline', async () => {
    expect(await lines(['{"a":1}\n{"b"', ':2}\r\n\n  \n{"c":3}'])).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('decodes a multi-byte character cut between two chunks', async () => {
    const bytes = Buffer.from('"é€😀"\n');
    expect(await lines([bytes.subarray(0, 2), bytes.subarray(2, 5), bytes.subarray(5)])).toEqual(['"é€😀"']);
  });

  it('gives an overlong line as tooLong at its place, holding no more than the cap, and goes on', async () => {
    const long = 'x'.repeat(25);
    expect(await lines(['ok1\n', long.slice(0, 10), long.slice(10), '\nok2\n', long, '\n', long], 20)).toEqual([
      'ok1',
      'TOO LONG',
      'ok2',
      'TOO LONG',
      'TOO LONG',
    ]);
  });

  it('accepts a line of exactly the cap', async () => {
    expect(await lines(['12345\n', '123', '45'], 5)).toEqual(['12345', '12345']);
  });
});
