import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server wrote, as latin1 text. */
  text: string;
  /** Milliseconds from the first byte sent until the server closed the connection. */
  closedAfterMs: number;
  /** The JSON body of the first answer, if it had one. */
  json(): unknown;
}

/**
 * Writes `head` to a fresh connection on 127.0.0.1:`port`, then `drip` (if given) one byte
 * at a time every `everyMs`, until the server closes the connection or `giveUpMs` passes.
 * Only a real socket reaches Node's HTTP parser and its timeouts; `inject` bypasses both.
 */
export function rawExchange(
  port: number,
  head: string | Buffer,
  opts: { drip?: string; everyMs?: number; giveUpMs?: number } = {},
): Promise<RawExchange> {
  const { drip, everyMs = 200, giveUpMs = 10_000 } = opts;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    let i = 0;
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`connection still open after ${giveUpMs} ms; the server wrote: ${JSON.stringify(text.slice(0, 300))}`));
    }, giveUpMs);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({
        text,
        closedAfterMs: Date.now() - started,
        json: () => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)),
      });
    });
    socket.on('connect', () => {
      if (head.length > 0) socket.write(head);
      if (drip) {
        timer = setInterval(() => {
          if (!socket.writable) return;
          socket.write(drip[i++ % drip.length]);
        }, everyMs);
      }
    });
  });
}

/** The status line of the first answer: `HTTP/1.1 408 Request Timeout`. */
export function statusLine(text: string): string {
  return text.split('\r\n')[0];
}
