import { describe, expect, it } from '@jest/globals';
import { TokenBuckets } from '../../local/throttle.ts';

/** A clock that moves only when the test says so. */
function fakeClock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

const takeMany = (buckets: TokenBuckets, key: string, count: number): number[] =>
  Array.from({ length: count }, () => buckets.take(key));

describe('TokenBuckets', () => {
  it('lets a new caller send its whole burst at once, then refuses the next request', () => {
    const clock = fakeClock();
    const buckets = new TokenBuckets({ burst: 5, ratePerSecond: 1 }, clock.now);

    expect(takeMany(buckets, 'sub:a', 6)).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('refills at the rate: one token every 1 / rate seconds, and not before', () => {
    const clock = fakeClock();
    const buckets = new TokenBuckets({ burst: 1, ratePerSecond: 0.5 }, clock.now);
    expect(buckets.take('sub:a')).toBe(0);

    clock.advance(1_999);
    const early = buckets.take('sub:a');
    clock.advance(1);
    const onTime = buckets.take('sub:a');
    const next = buckets.take('sub:a');

    expect(early).toBe(1);
    expect(onTime).toBe(0);
    expect(next).toBe(2);
  });

  it('does not charge refused requests: a caller who keeps knocking gets in as soon as a token is back', () => {
    const clock = fakeClock();
    const buckets = new TokenBuckets({ burst: 1, ratePerSecond: 1 }, clock.now);
    buckets.take('sub:a');

    const refused = [100, 200, 300].map((ms) => {
      clock.advance(ms);
      return buckets.take('sub:a');
    });
    clock.advance(400);

    expect(refused).toEqual([1, 1, 1]);
    expect(buckets.take('sub:a')).toBe(0);
  });

  it('never holds more than the burst, however long the caller was idle', () => {
    const clock = fakeClock();
    const buckets = new TokenBuckets({ burst: 3, ratePerSecond: 10 }, clock.now);
    takeMany(buckets, 'sub:a', 3);

    clock.advance(60 * 60 * 1000);

    expect(takeMany(buckets, 'sub:a', 4)).toEqual([0, 0, 0, 1]);
  });

  it.each([
    // [rate per second, ms since the bucket emptied, Retry-After]
    [1, 0, 1],
    [0.3, 0, 4], // 3.33 s, rounded up: coming back after Retry-After always finds a token
    [0.3, 1_000, 3], // 2.33 s left
    [0.001, 0, 1_000],
    [0.001, 999_500, 1], // half a second left: at least 1, never 0
    [50, 0, 1], // 20 ms: still 1, Retry-After is in whole seconds
  ])(
    'answers Retry-After rounded up to whole seconds, at least 1 (rate %p/s, %p ms after)',
    (rate, ms, retryAfter) => {
      const clock = fakeClock();
      const buckets = new TokenBuckets({ burst: 1, ratePerSecond: rate }, clock.now);
      buckets.take('sub:a');

      clock.advance(ms);

      expect(buckets.take('sub:a')).toBe(retryAfter);
    },
  );

  it('keeps one bucket per key: one caller using up its burst costs another nothing', () => {
    const clock = fakeClock();
    const buckets = new TokenBuckets({ burst: 2, ratePerSecond: 0.001 }, clock.now);

    const first = takeMany(buckets, 'sub:a', 3);
    const second = takeMany(buckets, 'sub:b', 2);
    const byAddress = takeMany(buckets, 'address:127.0.0.1', 2);

    expect(first).toEqual([0, 0, 1_000]);
    expect(second).toEqual([0, 0]);
    expect(byAddress).toEqual([0, 0]);
    expect(buckets.take('sub:a')).toBe(1_000);
  });
});
