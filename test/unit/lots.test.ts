import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  available,
  byCategory,
  compareSpendingOrder,
  deduct,
  expire,
  type GrantInput,
  grant,
  HeldDrawMismatchError,
  held,
  hold,
  InsufficientLotsError,
  InvalidLotInputError,
  type Lot,
  type LotCategory,
  type LotDraw,
  LotLimitExceededError,
  MAX_LOT_ID_LENGTH,
  MAX_OPEN_LOTS,
  nextExpiry,
  openLots,
  prune,
  RefundExceedsDrawsError,
  refund,
  release,
  spendHeld,
} from '../../functions/ledger/lots.ts';

const DAY_MS = 86_400_000;
const START_MS = Date.parse('2030-01-01T00:00:00.000Z');
/** An instant `days` (fractions allowed) after the start, as the module stores it. */
const at = (days: number): string => new Date(START_MS + Math.round(days * DAY_MS)).toISOString();
const NOW = at(0);

function lot(overrides: Partial<Lot> & Pick<Lot, 'lotId'>): Lot {
  return {
    category: 'PAID',
    grantedCents: overrides.remainingCents ?? 1_000,
    remainingCents: 1_000,
    heldCents: 0,
    grantedAt: at(-10),
    transactionId: `txn-${overrides.lotId}`,
    ...overrides,
  };
}

function grantInput(overrides: Partial<GrantInput> & Pick<GrantInput, 'lotId'>): GrantInput {
  return {
    category: 'PAID',
    amountCents: 1_000,
    grantedAt: NOW,
    transactionId: `txn-${overrides.lotId}`,
    ...overrides,
  };
}

/** Deep-frozen: an operation that writes into its input throws (ESM is strict mode). */
function frozen(lots: readonly Lot[]): readonly Lot[] {
  return Object.freeze(lots.map((each) => Object.freeze({ ...each })));
}

const cents = (draws: readonly LotDraw[]): number =>
  draws.reduce((total, draw) => total + draw.amountCents, 0);
const ids = (items: readonly { lotId: string }[]): string[] => items.map((item) => item.lotId);
const amounts = (draws: readonly LotDraw[]): [string, number][] =>
  draws.map((draw) => [draw.lotId, draw.amountCents]);
const byId = (lots: readonly Lot[], lotId: string): Lot | undefined =>
  lots.find((each) => each.lotId === lotId);

describe('grant', () => {
  it('makes a lot from the grant, with its times stored as canonical ISO instants', () => {
    const result = grant(
      [],
      grantInput({ lotId: 'a', expiresAt: '2030-01-05T12:00:00Z', grantedAt: '2030-01-01T00:00:00Z' }),
    );

    expect(result).toEqual({
      lots: [expect.any(Object)],
      lotId: 'a',
      merged: false,
      expiresAt: '2030-01-05T12:00:00.000Z',
    });
    expect(result.lots[0]).toEqual({
      lotId: 'a',
      category: 'PAID',
      grantedCents: 1_000,
      remainingCents: 1_000,
      heldCents: 0,
      expiresAt: '2030-01-05T12:00:00.000Z',
      grantedAt: '2030-01-01T00:00:00.000Z',
      transactionId: 'txn-a',
    });
  });

  it('merges into an open lot of its category that expires earlier on the same UTC day, keeping that expiry', () => {
    const first = grant(
      [],
      grantInput({ lotId: 'a', category: 'PROMOTIONAL', expiresAt: '2030-01-05T09:00:00Z' }),
    );

    const second = grant(
      frozen(first.lots),
      grantInput({
        lotId: 'b',
        category: 'PROMOTIONAL',
        amountCents: 500,
        expiresAt: '2030-01-05T23:00:00Z',
        grantedAt: at(1),
      }),
    );

    expect(second).toMatchObject({ lotId: 'a', merged: true, expiresAt: '2030-01-05T09:00:00.000Z' });
    expect(second.lots).toEqual([
      {
        ...first.lots[0],
        grantedCents: 1_500,
        remainingCents: 1_500,
      },
    ]);
  });

  it('makes a new lot rather than merge into a same-day lot that expires later, so no lot expiry ever moves', () => {
    const first = grant([], grantInput({ lotId: 'a', expiresAt: '2030-01-05T23:00:00Z' }));

    const second = grant(first.lots, grantInput({ lotId: 'b', expiresAt: '2030-01-05T09:00:00Z' }));

    expect(second).toMatchObject({ lotId: 'b', merged: false });
    expect(second.lots.map((each) => [each.lotId, each.expiresAt])).toEqual([
      ['b', '2030-01-05T09:00:00.000Z'],
      ['a', '2030-01-05T23:00:00.000Z'],
    ]);
  });

  it('merges into the latest-expiring of several same-day lots, which cuts the grant the least', () => {
    const lots = [
      lot({ lotId: 'early', expiresAt: '2030-01-05T01:00:00.000Z' }),
      lot({ lotId: 'late', expiresAt: '2030-01-05T20:00:00.000Z' }),
    ];

    expect(grant(lots, grantInput({ lotId: 'g', expiresAt: '2030-01-05T22:00:00Z' })).lotId).toBe('late');
  });

  it('does not merge across categories or across UTC days', () => {
    const lots = [
      lot({ lotId: 'promo', category: 'PROMOTIONAL', expiresAt: '2030-01-05T10:00:00.000Z' }),
      lot({ lotId: 'paid-day-before', expiresAt: '2030-01-04T23:59:59.999Z' }),
    ];

    const result = grant(
      lots,
      grantInput({ lotId: 'g', category: 'PAID', expiresAt: '2030-01-05T12:00:00Z' }),
    );

    expect(result).toMatchObject({ lotId: 'g', merged: false });
    expect(result.lots).toHaveLength(3);
  });

  it('merges a grant that never expires into the open lot of its category that never expires, and only there', () => {
    const lots = [
      lot({ lotId: 'forever' }),
      lot({ lotId: 'promo-forever', category: 'PROMOTIONAL' }),
      lot({ lotId: 'dated', expiresAt: at(3) }),
    ];

    const result = grant(lots, grantInput({ lotId: 'g', amountCents: 250 }));

    expect(result).toMatchObject({ lotId: 'forever', merged: true });
    expect(result).not.toHaveProperty('expiresAt');
    expect(byId(result.lots, 'forever')).toMatchObject({ grantedCents: 1_250, remainingCents: 1_250 });
    expect(byId(result.lots, 'promo-forever')?.remainingCents).toBe(1_000);
  });

  it('never merges into a lot that has expired by the grant time, even on the same UTC day', () => {
    const lots = [lot({ lotId: 'due', expiresAt: '2030-01-01T06:00:00.000Z' })];

    const result = grant(
      lots,
      grantInput({ lotId: 'g', grantedAt: '2030-01-01T06:00:00Z', expiresAt: '2030-01-01T20:00:00Z' }),
    );

    expect(result).toMatchObject({ lotId: 'g', merged: false });
  });

  it.each<[string, Partial<GrantInput>]>([
    ['an amount of zero', { amountCents: 0 }],
    ['a negative amount', { amountCents: -1 }],
    ['a fraction of a cent', { amountCents: 10.5 }],
    ['an expiry at the grant time', { expiresAt: NOW }],
    ['an expiry before the grant time', { expiresAt: at(-1) }],
    ['an expiry that is not a time', { expiresAt: 'soon' }],
    ['a grant time that is not a time', { grantedAt: '' }],
    ['an empty lotId', { lotId: '' }],
    ['a lotId too long to fit the size bound', { lotId: 'x'.repeat(MAX_LOT_ID_LENGTH + 1) }],
    ['a transactionId too long to fit the size bound', { transactionId: 'x'.repeat(MAX_LOT_ID_LENGTH + 1) }],
    ['an unknown category', { category: 'GIFT' as LotCategory }],
  ])('refuses %s', (_, overrides) => {
    expect(() => grant([], grantInput({ lotId: 'g', ...overrides }))).toThrow(InvalidLotInputError);
  });

  it('refuses a lotId that a lot already has, which is how a grant applied twice would show', () => {
    expect(() => grant([lot({ lotId: 'a' })], grantInput({ lotId: 'a', expiresAt: at(2) }))).toThrow(
      InvalidLotInputError,
    );
  });

  it('refuses a new lot past MAX_OPEN_LOTS, still merges at the limit, and does not count lots prune drops', () => {
    const full = Array.from({ length: MAX_OPEN_LOTS }, (_, index) =>
      lot({ lotId: `l${index}`, remainingCents: 1, expiresAt: at(index + 1) }),
    );

    expect(() => grant(full, grantInput({ lotId: 'new' }))).toThrow(LotLimitExceededError);
    expect(grant(full, grantInput({ lotId: 'new', expiresAt: at(1) })).merged).toBe(true);
    const oneEmpty = full.map((each, index) => (index === 0 ? { ...each, remainingCents: 0 } : each));
    expect(grant(oneEmpty, grantInput({ lotId: 'new' })).lots).toHaveLength(MAX_OPEN_LOTS + 1);
  });

  it('names the limit and the count in the error', () => {
    const full = Array.from({ length: MAX_OPEN_LOTS }, (_, index) =>
      lot({ lotId: `l${index}`, expiresAt: at(index + 1) }),
    );

    expect(() => grant(full, grantInput({ lotId: 'new' }))).toThrow(
      expect.objectContaining({
        name: 'LotLimitExceededError',
        details: { lots: MAX_OPEN_LOTS + 1, maxLots: MAX_OPEN_LOTS },
      }),
    );
  });
});

describe('spending order (deduct and hold)', () => {
  it('draws the soonest-expiring lot first and the lots that never expire last', () => {
    const lots = frozen([
      lot({ lotId: 'never', remainingCents: 100 }),
      lot({ lotId: 'in-5-days', remainingCents: 100, expiresAt: at(5) }),
      lot({ lotId: 'in-1-day', remainingCents: 100, expiresAt: at(1) }),
    ]);

    expect(amounts(deduct(lots, 250, NOW).draws)).toEqual([
      ['in-1-day', 100],
      ['in-5-days', 100],
      ['never', 50],
    ]);
  });

  it('draws PROMOTIONAL before PAID at equal expiry, whether dated or never-expiring', () => {
    const lots = [
      lot({ lotId: 'paid', remainingCents: 100, expiresAt: at(2) }),
      lot({ lotId: 'promo', category: 'PROMOTIONAL', remainingCents: 100, expiresAt: at(2) }),
      lot({ lotId: 'paid-forever', remainingCents: 100 }),
      lot({ lotId: 'promo-forever', category: 'PROMOTIONAL', remainingCents: 100 }),
    ];

    expect(ids(hold(lots, 400, NOW).draws)).toEqual(['promo', 'paid', 'promo-forever', 'paid-forever']);
  });

  it('draws the oldest first at equal expiry and category, then by lotId', () => {
    const lots = [
      lot({ lotId: 'b-young', remainingCents: 10, expiresAt: at(2), grantedAt: at(-1) }),
      lot({ lotId: 'z-old', remainingCents: 10, expiresAt: at(2), grantedAt: at(-5) }),
      lot({ lotId: 'a-young', remainingCents: 10, expiresAt: at(2), grantedAt: at(-1) }),
    ];

    expect(ids(deduct(lots, 30, NOW).draws)).toEqual(['z-old', 'a-young', 'b-young']);
  });

  it('compares expiry times as instants, not as text', () => {
    const lots = [
      lot({ lotId: 'later', remainingCents: 10, expiresAt: '2030-01-02T00:00:00.001Z' }),
      lot({ lotId: 'sooner-short-form', remainingCents: 10, expiresAt: '2030-01-02T00:00:00Z' }),
    ];

    expect(ids(deduct(lots, 20, NOW).draws)).toEqual(['sooner-short-form', 'later']);
  });

  it('never draws from a lot at or after its expiresAt, and still draws one a millisecond before', () => {
    const lots = [
      lot({ lotId: 'due-now', remainingCents: 100, expiresAt: NOW }),
      lot({ lotId: 'past', remainingCents: 100, expiresAt: at(-1) }),
      lot({ lotId: 'last-ms', remainingCents: 100, expiresAt: new Date(START_MS + 1).toISOString() }),
      lot({ lotId: 'never', remainingCents: 100 }),
    ];

    expect(amounts(deduct(lots, 150, NOW).draws)).toEqual([
      ['last-ms', 100],
      ['never', 50],
    ]);
  });

  it('refuses with InsufficientLots when the lots open at now hold too little, though expired remainders would cover it', () => {
    const lots = [
      lot({ lotId: 'due', remainingCents: 500, expiresAt: NOW }),
      lot({ lotId: 'open', remainingCents: 100 }),
    ];

    expect(() => hold(lots, 101, NOW)).toThrow(
      expect.objectContaining({
        name: 'InsufficientLotsError',
        details: { availableCents: 100, requestedCents: 101 },
      }),
    );
    expect(() => deduct(lots, 101, NOW)).toThrow(InsufficientLotsError);
  });

  it('deducts: the remainder drops and nothing is held', () => {
    const result = deduct([lot({ lotId: 'a', remainingCents: 300 })], 120, NOW);

    expect(result.lots).toEqual([lot({ lotId: 'a', grantedCents: 300, remainingCents: 180 })]);
  });

  it('holds: what is drawn moves from remaining to held', () => {
    const result = hold(frozen([lot({ lotId: 'a', remainingCents: 300, heldCents: 5 })]), 120, NOW);

    expect(byId(result.lots, 'a')).toMatchObject({ remainingCents: 180, heldCents: 125 });
  });

  it('draws nothing for an amount of zero (a purchase discounted to zero)', () => {
    expect(hold([lot({ lotId: 'a' })], 0, NOW).draws).toEqual([]);
  });

  it('gives each draw the identity of its lot, enough to recreate it', () => {
    const source = lot({
      lotId: 'a',
      category: 'PROMOTIONAL',
      expiresAt: at(3),
      grantedAt: at(-2),
      transactionId: 't-a',
    });

    expect(deduct([source], 10, NOW).draws).toEqual([
      {
        lotId: 'a',
        amountCents: 10,
        category: 'PROMOTIONAL',
        expiresAt: at(3),
        grantedAt: at(-2),
        transactionId: 't-a',
      },
    ]);
  });

  it.each([[-1], [0.5], [Number.NaN]])('refuses an amount of %p', (amountCents) => {
    expect(() => deduct([lot({ lotId: 'a' })], amountCents, NOW)).toThrow(InvalidLotInputError);
  });
});

describe('release and spendHeld (a purchase that fails, and Commit)', () => {
  const twoLots = (): { lots: Lot[]; draws: LotDraw[] } => {
    const reserved = hold(
      [
        lot({ lotId: 'soon', remainingCents: 100, expiresAt: at(1) }),
        lot({ lotId: 'later', remainingCents: 100, expiresAt: at(9) }),
      ],
      150,
      NOW,
    );
    return { lots: reserved.lots, draws: reserved.draws };
  };

  it('release gives each held amount back to its lot while the lot is open', () => {
    const { lots, draws } = twoLots();

    const result = release(frozen(lots), draws, at(0.5));

    expect(amounts(result.returned)).toEqual([
      ['soon', 100],
      ['later', 50],
    ]);
    expect(result.expired).toEqual([]);
    expect(result.lots.map((each) => [each.lotId, each.remainingCents, each.heldCents])).toEqual([
      ['soon', 100, 0],
      ['later', 100, 0],
    ]);
  });

  it('release after a lot expired lets that part leave the balance at once (Stripe), and returns the rest', () => {
    const { lots, draws } = twoLots();

    const result = release(lots, draws, at(1));

    expect(amounts(result.expired)).toEqual([['soon', 100]]);
    expect(amounts(result.returned)).toEqual([['later', 50]]);
    expect(byId(result.lots, 'soon')).toMatchObject({ remainingCents: 0, heldCents: 0 });
  });

  it('spendHeld takes the held amounts for good, even from a lot that expired while they were held', () => {
    const { lots, draws } = twoLots();
    const afterExpiry = expire(lots, at(2)).lots;

    const spent = spendHeld(frozen(afterExpiry), draws);

    expect(spent.map((each) => [each.lotId, each.remainingCents, each.heldCents])).toEqual([
      ['soon', 0, 0],
      ['later', 50, 0],
    ]);
  });

  it.each<[string, LotDraw]>([
    [
      'a lot that is not there',
      { lotId: 'gone', amountCents: 1, category: 'PAID', grantedAt: NOW, transactionId: 't' },
    ],
    [
      'more than the lot holds',
      { lotId: 'soon', amountCents: 101, category: 'PAID', grantedAt: NOW, transactionId: 't' },
    ],
    [
      'another category',
      { lotId: 'soon', amountCents: 1, category: 'PROMOTIONAL', grantedAt: NOW, transactionId: 't' },
    ],
  ])('release and spendHeld refuse a draw from %s', (_, draw) => {
    const { lots } = twoLots();

    expect(() => release(lots, [draw], NOW)).toThrow(HeldDrawMismatchError);
    expect(() => spendHeld(lots, [draw])).toThrow(HeldDrawMismatchError);
  });

  it('a release applied twice is refused rather than giving the credit back twice', () => {
    const { lots, draws } = twoLots();
    const once = release(lots, draws, NOW).lots;

    expect(() => release(once, draws, NOW)).toThrow(HeldDrawMismatchError);
  });
});

describe('refund', () => {
  /** A purchase that drew 100 from a, then 200 from b, then 300 from c, and was committed. */
  const purchase = (): { lots: Lot[]; draws: LotDraw[] } => {
    const reserved = hold(
      [
        lot({ lotId: 'a', remainingCents: 100, expiresAt: at(1) }),
        lot({ lotId: 'b', remainingCents: 200, expiresAt: at(2) }),
        lot({ lotId: 'c', remainingCents: 300, expiresAt: at(3) }),
        lot({ lotId: 'spare', remainingCents: 50 }),
      ],
      600,
      NOW,
    );
    return { lots: spendHeld(reserved.lots, reserved.draws), draws: reserved.draws };
  };

  it('returns to the last-drawn lot first', () => {
    const { lots, draws } = purchase();

    const result = refund(frozen(lots), draws, [], 350, at(0.5));

    expect(amounts(result.returned)).toEqual([
      ['c', 300],
      ['b', 50],
    ]);
    expect(byId(result.lots, 'c')?.remainingCents).toBe(300);
    expect(byId(result.lots, 'b')?.remainingCents).toBe(50);
  });

  it('continues across partial refunds where the last one stopped, never returning more to a lot than it gave', () => {
    const { lots, draws } = purchase();
    const first = refund(lots, draws, [], 250, at(0.5));
    const second = refund(first.lots, draws, first.returned, 100, at(0.5));
    const third = refund(second.lots, draws, [...first.returned, ...second.returned], 250, at(0.5));

    expect(amounts(first.returned)).toEqual([['c', 250]]);
    expect(amounts(second.returned)).toEqual([
      ['c', 50],
      ['b', 50],
    ]);
    expect(amounts(third.returned)).toEqual([
      ['b', 150],
      ['a', 100],
    ]);
    expect(() =>
      refund(third.lots, draws, [...first.returned, ...second.returned, ...third.returned], 1, at(0.5)),
    ).toThrow(RefundExceedsDrawsError);
  });

  it('recreates a lot pruned since, with its identity from the draw, in its place in the spending order', () => {
    const { lots, draws } = purchase();
    const pruned = prune(lots);
    expect(ids(pruned)).toEqual(['spare']);

    const result = refund(pruned, draws, [], 600, at(0.5));

    expect(result.lots).toEqual([
      {
        lotId: 'a',
        category: 'PAID',
        grantedCents: 0,
        remainingCents: 100,
        heldCents: 0,
        expiresAt: at(1),
        grantedAt: at(-10),
        transactionId: 'txn-a',
      },
      {
        lotId: 'b',
        category: 'PAID',
        grantedCents: 0,
        remainingCents: 200,
        heldCents: 0,
        expiresAt: at(2),
        grantedAt: at(-10),
        transactionId: 'txn-b',
      },
      {
        lotId: 'c',
        category: 'PAID',
        grantedCents: 0,
        remainingCents: 300,
        heldCents: 0,
        expiresAt: at(3),
        grantedAt: at(-10),
        transactionId: 'txn-c',
      },
      expect.objectContaining({ lotId: 'spare' }),
    ]);
  });

  it('expires at once a part whose lot has expired, whether the lot is still there or was pruned', () => {
    const { lots, draws } = purchase();
    const withoutB = prune(lots).concat(lots.filter((each) => each.lotId === 'c'));

    const result = refund(withoutB, draws, [], 600, at(2));

    expect(amounts(result.returned)).toEqual([['c', 300]]);
    expect(amounts(result.expired)).toEqual([
      ['b', 200],
      ['a', 100],
    ]);
    expect(ids(result.lots)).toEqual(['c', 'spare']);
  });

  it('counts earlier expired parts as refunded, so a later refund does not return them again', () => {
    const { lots, draws } = purchase();
    const first = refund(lots, draws, [], 600, at(2.5));

    expect(cents(first.expired)).toBe(300);
    expect(() => refund(first.lots, draws, [...first.returned, ...first.expired], 1, at(2.5))).toThrow(
      RefundExceedsDrawsError,
    );
  });

  it('refuses earlier returns that name a lot the purchase never drew from, or more than it drew', () => {
    const { lots, draws } = purchase();
    const stranger: LotDraw = {
      lotId: 'spare',
      amountCents: 1,
      category: 'PAID',
      grantedAt: NOW,
      transactionId: 't',
    };
    const tooMuch: LotDraw = { ...stranger, lotId: 'a', amountCents: 101 };

    expect(() => refund(lots, draws, [stranger], 1, NOW)).toThrow(RefundExceedsDrawsError);
    expect(() => refund(lots, draws, [tooMuch], 1, NOW)).toThrow(RefundExceedsDrawsError);
  });

  it('refuses more than the purchase drew', () => {
    const { lots, draws } = purchase();

    expect(() => refund(lots, draws, [], 601, NOW)).toThrow(
      expect.objectContaining({ details: { refundableCents: 600, requestedCents: 601 } }),
    );
  });
});

describe('expire', () => {
  it('expires the remainder of each lot due at now and keeps its held part for the purchase in flight', () => {
    const lots = frozen([
      lot({ lotId: 'due', remainingCents: 70, heldCents: 30, expiresAt: NOW }),
      lot({ lotId: 'tomorrow', remainingCents: 100, expiresAt: at(1) }),
      lot({ lotId: 'never', remainingCents: 100 }),
    ]);

    const result = expire(lots, NOW);

    expect(amounts(result.expired)).toEqual([['due', 70]]);
    expect(byId(result.lots, 'due')).toMatchObject({ remainingCents: 0, heldCents: 30 });
    expect(byId(result.lots, 'tomorrow')?.remainingCents).toBe(100);
  });

  it('expires nothing twice when run again', () => {
    const once = expire([lot({ lotId: 'due', expiresAt: at(-1) })], NOW);

    expect(expire(once.lots, NOW).expired).toEqual([]);
    expect(expire(once.lots, at(5)).expired).toEqual([]);
  });
});

describe('prune', () => {
  it('drops lots that hold nothing and keeps those with a remainder, a held part or an unexpired due remainder', () => {
    const lots = [
      lot({ lotId: 'empty', remainingCents: 0 }),
      lot({ lotId: 'held-only', remainingCents: 0, heldCents: 5, expiresAt: at(-1) }),
      lot({ lotId: 'due-not-yet-expired', remainingCents: 5, expiresAt: at(-1) }),
      lot({ lotId: 'open', remainingCents: 5 }),
    ];

    expect(ids(prune(frozen(lots)))).toEqual(['due-not-yet-expired', 'held-only', 'open']);
  });
});

describe('views', () => {
  const lots = [
    lot({ lotId: 'due', remainingCents: 7, heldCents: 3, expiresAt: NOW }),
    lot({
      lotId: 'promo-tomorrow',
      category: 'PROMOTIONAL',
      remainingCents: 20,
      heldCents: 5,
      expiresAt: at(1),
    }),
    lot({ lotId: 'paid-tomorrow', remainingCents: 30, expiresAt: at(1) }),
    lot({ lotId: 'held-only-in-12h', remainingCents: 0, heldCents: 4, expiresAt: at(0.5) }),
    lot({ lotId: 'never', remainingCents: 100 }),
    lot({ lotId: 'empty', remainingCents: 0 }),
  ];

  it('available counts the remainders of the lots open at now only', () => {
    expect(available(lots, NOW)).toBe(150);
  });

  it('held counts every held part, from expired lots too', () => {
    expect(held(lots)).toBe(12);
  });

  it('byCategory adds remaining and held per category, expired lots included, as reconciliation does', () => {
    expect(byCategory(lots)).toEqual({ PAID: 7 + 3 + 30 + 4 + 100, PROMOTIONAL: 25 });
  });

  it('nextExpiry is the soonest future expiry with a remainder, summed over the lots that lapse at that instant', () => {
    expect(nextExpiry(lots, NOW)).toEqual({ amountCents: 50, expiresAt: at(1) });
    expect(nextExpiry(lots, at(1))).toBeNull();
    expect(nextExpiry([], NOW)).toBeNull();
  });

  it('openLots lists the lots open at now that hold anything, soonest-expiring first', () => {
    expect(ids(openLots(lots, NOW))).toEqual([
      'held-only-in-12h',
      'promo-tomorrow',
      'paid-tomorrow',
      'never',
    ]);
  });
});

describe('limits', () => {
  it('draws from 150 open lots at once in one hold, commits and prunes them', () => {
    let lots: Lot[] = [];
    for (let index = 0; index < 150; index += 1) {
      lots = grant(
        lots,
        grantInput({ lotId: `lot-${index}`, amountCents: 100 + index, expiresAt: at(150 - index) }),
      ).lots;
    }
    const total = available(lots, NOW);

    const reserved = hold(lots, total, NOW);

    expect(reserved.draws).toHaveLength(150);
    expect(cents(reserved.draws)).toBe(total);
    expect(ids(reserved.draws)).toEqual(Array.from({ length: 150 }, (_, index) => `lot-${149 - index}`));
    expect(prune(spendHeld(reserved.lots, reserved.draws))).toEqual([]);
  });

  it('keeps MAX_OPEN_LOTS lots, with room for as many again, inside the 400 KB item with a quarter to spare', () => {
    const longest = 'x'.repeat(MAX_LOT_ID_LENGTH);
    const worst: Lot = {
      lotId: longest,
      category: 'PROMOTIONAL',
      grantedCents: Number.MAX_SAFE_INTEGER,
      remainingCents: Number.MAX_SAFE_INTEGER,
      heldCents: Number.MAX_SAFE_INTEGER,
      expiresAt: at(5 * 365),
      grantedAt: at(0),
      transactionId: longest,
    };

    const bytes = listElementBytes(worst);

    expect(bytes).toBeLessThanOrEqual(305);
    expect(2 * MAX_OPEN_LOTS * bytes).toBeLessThan(0.75 * 400 * 1024);
  });
});

/**
 * DynamoDB's item-size rule for one map in a list: 1 byte as a list element, 3 for the map, 1 per
 * attribute, each name's UTF-8 bytes, a string's UTF-8 bytes, a number's 1 byte per two significant
 * digits plus 1.
 */
function listElementBytes(value: Lot): number {
  const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');
  let bytes = 1 + 3;
  for (const [name, attribute] of Object.entries(value)) {
    bytes += 1 + utf8(name);
    bytes +=
      typeof attribute === 'number'
        ? Math.ceil(String(attribute).replace(/^0+|0+$/g, '').length / 2) + 1
        : utf8(String(attribute));
  }
  return bytes;
}

describe('properties over random sequences with a moving clock', () => {
  type Op =
    | { kind: 'grant'; category: LotCategory; amountCents: number; expiresInMinutes: number | null }
    | { kind: 'tick'; minutes: number }
    | { kind: 'deduct' | 'hold'; perMille: number }
    | { kind: 'release'; pick: number }
    | { kind: 'commit'; pick: number }
    | { kind: 'refund'; pick: number; perMille: number }
    | { kind: 'expire' }
    | { kind: 'prune' };

  const expiry = fc.oneof(
    fc.constant(null),
    fc.integer({ min: 1, max: 4 * 1440 }),
    // Whole days: same instants and same UTC days, which is where merging and ties happen.
    fc.integer({ min: 1, max: 4 }).map((days) => days * 1440),
  );
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('grant' as const),
        category: fc.constantFrom<LotCategory>('PAID', 'PROMOTIONAL'),
        amountCents: fc.integer({ min: 1, max: 5_000 }),
        expiresInMinutes: expiry,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('tick' as const),
        // Whole days too, so the clock lands exactly on expiries made in whole days.
        minutes: fc.oneof(
          fc.integer({ min: 0, max: 3_000 }),
          fc.integer({ min: 1, max: 3 }).map((days) => days * 1440),
        ),
      }),
    },
    {
      weight: 5,
      // Thousandths of what is available (integers: fc.double crowds near zero); past 1000, more (refused).
      arbitrary: fc.record({
        kind: fc.constantFrom('deduct' as const, 'hold' as const),
        perMille: fc.integer({ min: 0, max: 1_100 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('commit' as const), pick: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('refund' as const),
        pick: fc.nat(),
        perMille: fc.integer({ min: 0, max: 1_000 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('prune' as const) }) },
  );

  it('sums hold, no lot goes negative, nothing is drawn at or after its expiry, and every draw list sums to its amount', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 80, size: 'max' }), (ops) => {
        let lots: readonly Lot[] = [];
        let nowMs = START_MS;
        let sequence = 0;
        const inFlight: LotDraw[][] = [];
        const committed: { draws: LotDraw[]; refunded: LotDraw[] }[] = [];
        const books = { granted: 0, spent: 0, refunded: 0, expired: 0 };
        const now = (): string => new Date(nowMs).toISOString();
        const expiryOf = (item: { expiresAt?: string }): number =>
          item.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(item.expiresAt);
        const due = (items: readonly { expiresAt?: string }[]): number =>
          items.filter((item) => expiryOf(item) <= nowMs).length;

        for (const step of ops) {
          lots = frozen(lots);
          switch (step.kind) {
            case 'grant': {
              sequence += 1;
              const result = grant(lots, {
                lotId: `lot-${sequence}`,
                category: step.category,
                amountCents: step.amountCents,
                ...(step.expiresInMinutes === null
                  ? {}
                  : { expiresAt: new Date(nowMs + step.expiresInMinutes * 60_000).toISOString() }),
                grantedAt: now(),
                transactionId: `txn-${sequence}`,
              });
              if (step.expiresInMinutes !== null) {
                // Merged or not, the credit never outlives the grant.
                expect(Date.parse(result.expiresAt ?? '')).toBeLessThanOrEqual(
                  nowMs + step.expiresInMinutes * 60_000,
                );
              }
              lots = result.lots;
              books.granted += step.amountCents;
              break;
            }
            case 'tick':
              nowMs += step.minutes * 60_000;
              break;
            case 'deduct':
            case 'hold': {
              const open = available(lots, now());
              const amountCents =
                step.perMille <= 1_000
                  ? Math.floor((open * step.perMille) / 1_000)
                  : open + step.perMille - 1_000;
              const spend = step.kind === 'hold' ? hold : deduct;
              if (amountCents > open) {
                expect(() => spend(lots, amountCents, now())).toThrow(InsufficientLotsError);
                break;
              }
              const result = spend(lots, amountCents, now());
              expect(cents(result.draws)).toBe(amountCents);
              expect(result.draws.filter((draw) => draw.amountCents <= 0)).toEqual([]);
              expect(due(result.draws)).toBe(0);
              lots = result.lots;
              if (step.kind === 'hold') inFlight.push(result.draws);
              else books.spent += amountCents;
              break;
            }
            case 'release':
            case 'commit': {
              if (inFlight.length === 0) break;
              const [draws = []] = inFlight.splice(step.pick % inFlight.length, 1);
              if (step.kind === 'commit') {
                lots = spendHeld(lots, draws);
                books.spent += cents(draws);
                committed.push({ draws, refunded: [] });
                break;
              }
              const result = release(lots, draws, now());
              expect(cents(result.returned) + cents(result.expired)).toBe(cents(draws));
              expect([due(result.returned), due(result.expired)]).toEqual([0, result.expired.length]);
              books.expired += cents(result.expired);
              lots = result.lots;
              break;
            }
            case 'refund': {
              const purchase = committed[step.pick % Math.max(committed.length, 1)];
              if (purchase === undefined) break;
              const left = cents(purchase.draws) - cents(purchase.refunded);
              const amountCents = Math.floor((left * step.perMille) / 1_000);
              const result = refund(lots, purchase.draws, purchase.refunded, amountCents, now());
              expect(cents(result.returned) + cents(result.expired)).toBe(amountCents);
              expect([due(result.returned), due(result.expired)]).toEqual([0, result.expired.length]);
              purchase.refunded.push(...result.returned, ...result.expired);
              // Never more back to a lot than the purchase drew from it.
              const perLot = (draws: readonly LotDraw[], lotId: string): number =>
                cents(draws.filter((draw) => draw.lotId === lotId));
              expect(
                purchase.refunded.filter(
                  ({ lotId }) => perLot(purchase.refunded, lotId) > perLot(purchase.draws, lotId),
                ),
              ).toEqual([]);
              books.refunded += amountCents;
              books.expired += cents(result.expired);
              lots = result.lots;
              break;
            }
            case 'expire': {
              const result = expire(lots, now());
              expect(due(result.expired)).toBe(result.expired.length);
              books.expired += cents(result.expired);
              lots = result.lots;
              expect(expire(lots, now()).expired).toEqual([]);
              expect(lots.filter((each) => expiryOf(each) <= nowMs && each.remainingCents > 0)).toEqual([]);
              break;
            }
            case 'prune':
              lots = prune(lots);
              break;
          }

          // One expect per check and step: Jest's matchers, not the module, would dominate the run time.
          const whole = (amount: number): boolean => Number.isSafeInteger(amount) && amount >= 0;
          expect(lots.filter((each) => !whole(each.remainingCents) || !whole(each.heldCents))).toEqual([]);
          const balance = lots.reduce((total, each) => total + each.remainingCents + each.heldCents, 0);
          expect(balance).toBe(books.granted - books.spent + books.refunded - books.expired);
          expect(held(lots)).toBe(inFlight.reduce((total, draws) => total + cents(draws), 0));
          expect(byCategory(lots).PAID + byCategory(lots).PROMOTIONAL).toBe(balance);
          expect(
            lots.slice(1).filter((each, index) => compareSpendingOrder(lots[index] ?? each, each) >= 0),
          ).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });
});
