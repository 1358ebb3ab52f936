/** A line of an NDJSON body: its text, or `tooLong` when it passed the cap (its text is dropped). */
export type NdjsonLine = { text: string; tooLong?: false } | { text?: undefined; tooLong: true };

const NEWLINE = 0x0a;

/**
 * The non-empty lines of a byte stream, in order, holding at most `maxLineBytes` of a line in
 * memory: a longer line is read to its end and given as `tooLong`, so the caller can refuse it
 * at its place and go on. Lines are cut on bytes (a newline byte never occurs inside a UTF-8
 * sequence) and decoded whole; a trailing `\r` and blank lines are dropped. (split2 either
 * throws on an overlong line or skips it silently, and the row's position would be lost.)
 */
export async function* ndjsonLines(chunks: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<NdjsonLine> {
  let parts: Buffer[] = [];
  let held = 0;
  let overflow = false;
  const finish = (tail: Buffer): NdjsonLine | undefined => {
    if (overflow) {
      overflow = false;
      parts = [];
      held = 0;
      return { tooLong: true };
    }
    const whole = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
    parts = [];
    held = 0;
    let end = whole.length;
    if (end > 0 && whole[end - 1] === 0x0d) end--;
    const text = whole.toString('utf8', 0, end);
    return text.trim() === '' ? undefined : { text };
  };
  for await (const input of chunks) {
    const chunk = typeof input === 'string' ? Buffer.from(input) : input;
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      if (!overflow && held + piece.length > maxLineBytes) overflow = true;
      const line = finish(overflow ? Buffer.alloc(0) : piece);
      if (line) yield line;
      start = nl + 1;
    }
    if (start < chunk.length && !overflow) {
      const rest = chunk.subarray(start);
      if (held + rest.length > maxLineBytes) {
        overflow = true;
        parts = [];
        held = 0;
      } else {
        // Copied: the stream may reuse its buffer for the next chunk.
        parts.push(Buffer.from(rest));
        held += rest.length;
      }
    }
  }
  if (overflow || held > 0) {
    const line = finish(Buffer.alloc(0));
    if (line) yield line;
  }
}
