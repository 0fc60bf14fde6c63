import type express from 'express';
import type { Caller } from '../../auth/caller';

/** Who holds a stream: the authenticated caller's id when the auth middleware set one, else the client address. */
export function streamCallerKey(req: express.Request, res: express.Response): string {
  const caller = res.locals.caller as Caller | undefined;
  return caller?.id ?? `anon:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

/** Open streams by caller key. */
export class StreamsPerCaller {
  private readonly open = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Counts one more stream for `key`, or returns false when it already holds `limit`. */
  tryAdd(key: string): boolean {
    const held = this.open.get(key) ?? 0;
    if (held >= this.limit) return false;
    this.open.set(key, held + 1);
    return true;
  }

  remove(key: string): void {
    const held = (this.open.get(key) ?? 0) - 1;
    if (held > 0) this.open.set(key, held);
    else this.open.delete(key);
  }

  held(key: string): number {
    return this.open.get(key) ?? 0;
  }
}
