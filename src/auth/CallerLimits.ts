import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../config';
import { ErrorCode, GatewayError } from '../errors';
import type { GatewayMetrics } from '../metrics';
import type { Caller } from './caller';

export type LimitName = 'classify' | 'labelDetection' | 'similarImages' | 'trainModel';

const WINDOWS: Record<LimitName, { seconds: number; per: string; unit: string }> = {
  classify: { seconds: 60, per: 'minute', unit: 'images classified' },
  labelDetection: { seconds: 60, per: 'minute', unit: 'images sent to Cloud Vision' },
  similarImages: { seconds: 60, per: 'minute', unit: 'similar-image searches' },
  trainModel: { seconds: 3600, per: 'hour', unit: 'training jobs started' },
};

/**
 * Per-caller rate limits on the operations that cost CPU or money (rate-limiter-flexible, fixed
 * windows, in this process's memory). Keyed by Caller.id, so anonymous callers are limited per client
 * address. A limit of 0 is off.
 */
export class CallerLimits {
  private readonly limiters = new Map<LimitName, { limiter: RateLimiterMemory; points: number }>();

  constructor(
    config: RateLimitConfig,
    private readonly metrics?: GatewayMetrics,
  ) {
    const points: Record<LimitName, number> = {
      classify: config.classifyPerMinute,
      labelDetection: config.labelDetectionPerMinute,
      similarImages: config.similarImagesPerMinute,
      trainModel: config.trainModelPerHour,
    };
    for (const name of Object.keys(points) as LimitName[]) {
      if (points[name] > 0) this.limiters.set(name, { limiter: new RateLimiterMemory({ points: points[name], duration: WINDOWS[name].seconds }), points: points[name] });
    }
  }

  /** Takes `cost` from the caller's allowance, or throws RATE_LIMITED with the seconds until it refills. */
  async consume(name: LimitName, caller: Caller, cost = 1): Promise<void> {
    const entry = this.limiters.get(name);
    if (!entry || cost <= 0) return;
    const { seconds, per, unit } = WINDOWS[name];
    if (cost > entry.points) {
      this.metrics?.rateLimited.inc({ limit: name });
      throw new GatewayError(ErrorCode.RateLimited, `This request asks for ${cost} ${unit}, more than the ${entry.points} per ${per} a caller may have; send fewer at a time.`, {
        retryAfterSeconds: seconds,
      });
    }
    try {
      await entry.limiter.consume(caller.id, cost);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      this.metrics?.rateLimited.inc({ limit: name });
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new GatewayError(ErrorCode.RateLimited, `Rate limit reached: at most ${entry.points} ${unit} per ${per}; retry in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    }
  }
}
