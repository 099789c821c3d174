import { describe, expect, it } from '@jest/globals';
import { type DemoDataOptions, loadDemoData } from '../../local/demo-data.ts';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

/** A fake API answering each POST from a script per path kind, with a fake clock that sleeps instantly. */
function fakeApi(answers: { grant?: Answer[]; purchase: Answer[] }) {
  const log: { say: string[]; warn: string[]; posts: string[]; slept: number[] } = {
    say: [],
    warn: [],
    posts: [],
    slept: [],
  };
  let clock = 0;
  const queues = { grant: [...(answers.grant ?? [])], purchase: [...answers.purchase] };
  const options: DemoDataOptions = {
    maxWaitMs: 10_000,
    say: (line) => log.say.push(line),
    warn: (line) => log.warn.push(line),
    now: () => clock,
    sleep: async (ms) => {
      log.slept.push(ms);
      clock += ms;
    },
    fetch: async (url) => {
      const path = new URL(String(url)).pathname;
      log.posts.push(path);
      const queue = path === '/v1/purchases' ? queues.purchase : queues.grant;
      const answer = queue.length > 1 ? queue.shift() : queue[0];
      if (answer === undefined) return new Response('{}', { status: 201 });
      if (answer instanceof Error) throw answer;
      return new Response(JSON.stringify(answer.body ?? {}), {
        status: answer.status,
        headers: answer.headers ?? {},
      });
    },
  };
  return { log, options };
}

const held = {
  status: 409,
  body: { error: { code: 'REQUEST_IN_PROGRESS', message: 'still running', details: {} } },
};

describe('loadDemoData', () => {
  it('waits while a request of an earlier run holds the demo purchase key, then loads it', async () => {
    const { log, options } = fakeApi({ purchase: [held, held, { status: 201 }] });

    const complete = await loadDemoData('http://api', 'a-token', options);

    expect(complete).toBe(true);
    expect(log.posts.filter((path) => path === '/v1/purchases')).toHaveLength(3);
    expect(log.slept).toEqual([2_000, 2_000]);
    expect(log.say).toEqual([
      expect.stringMatching(/still held by a request of an earlier run.*waiting up to 10 s/),
    ]);
    expect(log.warn).toEqual([]);
  });

  it('honours Retry-After while it waits', async () => {
    const { log, options } = fakeApi({
      purchase: [{ ...held, headers: { 'retry-after': '5' } }, { status: 201 }],
    });

    await loadDemoData('http://api', 'a-token', options);

    expect(log.slept).toEqual([5_000]);
  });

  it('skips with a warning once its wait is over, and does not throw', async () => {
    const { log, options } = fakeApi({ purchase: [held] });

    const complete = await loadDemoData('http://api', 'a-token', options);

    expect(complete).toBe(false);
    expect(log.slept.reduce((sum, ms) => sum + ms, 0)).toBe(10_000);
    expect(log.warn).toEqual([
      expect.stringMatching(/the demo purchase skipped: its key was still held after 10 s/),
    ]);
  });

  it('skips at once when the key already made a purchase that never finished', async () => {
    const stuck = {
      status: 409,
      body: {
        error: { code: 'REQUEST_IN_PROGRESS', message: 'still running', details: { purchaseId: 'p-1' } },
      },
    };
    const { log, options } = fakeApi({ purchase: [stuck] });

    const complete = await loadDemoData('http://api', 'a-token', options);

    expect(complete).toBe(false);
    expect(log.slept).toEqual([]);
    expect(log.warn).toEqual([expect.stringContaining('purchase p-1')]);
  });

  it('turns any other failure into a warning and goes on with the next step', async () => {
    const { log, options } = fakeApi({
      grant: [new TypeError('fetch failed'), { status: 201 }],
      purchase: [
        {
          status: 502,
          body: {
            error: { code: 'SHIPMENT_FAILED', message: 'The shipment could not be created.', details: {} },
          },
        },
      ],
    });

    const complete = await loadDemoData('http://api', 'a-token', options);

    expect(complete).toBe(false);
    expect(log.posts).toHaveLength(3);
    expect(log.warn).toEqual([
      expect.stringMatching(/demo credit for John Doe skipped: TypeError: fetch failed/),
      expect.stringMatching(/the demo purchase skipped: HTTP 502 SHIPMENT_FAILED/),
    ]);
  });
});
