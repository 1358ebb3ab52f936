import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@app/common';
import { APP_CONFIG, type AppConfig } from '../config';

/** How long a refused export is told to wait: a step takes milliseconds, an export seconds to minutes. */
const RETRY_AFTER_S = '5';

/**
 * Bounds the bulk exports running at once on this node, and per client. A stream holds its
 * slot from before its first query until it ends, fails or its client goes away; past a
 * bound the answer is a 429 with Retry-After, as for the request rate: the caller asked for
 * more at once than it may, and should try again once one of its exports (or anyone's) is
 * over. The counts are per process, which is what the bound protects.
 */
@Injectable()
export class ExportSlotsService {
  private running = 0;
  private readonly byClient = new Map<string, number>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Takes a slot for `clientId`, or throws the 429; the returned release may be called any number of times. */
  acquire(clientId: string): () => void {
    const { perNode, perClient } = this.config.exportStreams;
    const mine = this.byClient.get(clientId) ?? 0;
    if (mine >= perClient) {
      throw new ApiError(
        'rate_limited',
        `This client already runs ${perClient} bulk exports (format=ndjson or csv), the most it may at once; retry when one has ended`,
        undefined,
        {
          'Retry-After': RETRY_AFTER_S,
        },
      );
    }
    if (this.running >= perNode) {
      throw new ApiError(
        'rate_limited',
        `The server already runs ${perNode} bulk exports (format=ndjson or csv), the most it runs at once; retry shortly`,
        undefined,
        {
          'Retry-After': RETRY_AFTER_S,
        },
      );
    }
    this.running++;
    this.byClient.set(clientId, mine + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.running--;
      const left = (this.byClient.get(clientId) ?? 1) - 1;
      if (left > 0) this.byClient.set(clientId, left);
      else this.byClient.delete(clientId);
    };
  }

  /** Exports running now: on this node, and for one client. */
  inUse(clientId?: string): number {
    return clientId === undefined ? this.running : (this.byClient.get(clientId) ?? 0);
  }
}
