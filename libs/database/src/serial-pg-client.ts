import { Client } from 'pg';

/** What a transaction opens and closes (TypeORM's words and plain SQL's). Savepoints stay inside it. */
const OPENS = /^\s*(START\s+TRANSACTION|BEGIN)\b/i;
const CLOSES = /^\s*(COMMIT|END|ROLLBACK)\s*(;|$|\s+(WORK|TRANSACTION|AND)\b)/i;

/** One unit of work on the embedded database at a time, for every client of the process. */
class Gate {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const turn = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return turn;
  }
}

const gate = new Gate();
type QueryArgs = unknown[];
const baseQuery = Client.prototype.query as (this: Client, ...args: QueryArgs) => unknown;

/**
 * The `pg` client of the embedded database. pglite-socket serves every connection from one
 * PGlite session and queues their protocol messages one by one; outside a transaction it
 * interleaves connections, so one connection's Bind can meet another's Parse ("bind message
 * supplies 2 parameters, but prepared statement requires 1", "portal does not exist":
 * electric-sql/pglite#1046, open). These clients therefore send one unit at a time, process
 * wide: a statement, or a whole transaction from its START TRANSACTION to its COMMIT or
 * ROLLBACK. PGlite runs one statement at a time anyway, and pglite-socket already holds other
 * connections while a transaction is open, so this costs no concurrency the engine had.
 */
export class SerialPgClient extends Client {
  /** Set while this client's transaction holds the gate. */
  private releaseTransaction?: () => void;

  constructor(...args: ConstructorParameters<typeof Client>) {
    super(...args);
    // A connection that dies inside its transaction must not keep the gate.
    this.on('end', () => this.endTransaction());
  }

  override query(...args: QueryArgs): never {
    const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as (e: unknown, r?: unknown) => void) : undefined;
    const first = args[0] as string | { text?: unknown; submit?: unknown } | undefined;
    const text = typeof first === 'string' ? first : typeof first?.text === 'string' && !first.submit ? first.text : undefined;
    // Streams and cursors (submittables) are not used on this database: passed through as they are.
    if (text === undefined) return baseQuery.call(this, ...args, ...(callback ? [callback] : [])) as never;
    const done = this.serialised(text, args);
    if (!callback) return done as never;
    done.then(
      (result) => callback(null, result),
      (error: unknown) => callback(error),
    );
    return undefined as never;
  }

  private async serialised(text: string, args: QueryArgs): Promise<unknown> {
    if (this.releaseTransaction) {
      try {
        return await (baseQuery.call(this, ...args) as Promise<unknown>);
      } finally {
        if (CLOSES.test(text)) this.endTransaction();
      }
    }
    const release = await gate.acquire();
    let kept = false;
    try {
      const result = await (baseQuery.call(this, ...args) as Promise<unknown>);
      if (OPENS.test(text)) {
        this.releaseTransaction = release;
        kept = true;
      }
      return result;
    } finally {
      if (!kept) release();
    }
  }

  private endTransaction(): void {
    const release = this.releaseTransaction;
    this.releaseTransaction = undefined;
    release?.();
  }
}
