import * as z from 'zod';
import type { LotDraw } from './lots.ts';

/**
 * The stored form of lot draws (a reservation's hold, a purchase's draws and what its refunds gave
 * back): the one decoder every repository that keeps them uses.
 */
export const LotDrawSchema = z.object({
  lotId: z.string(),
  amountCents: z.number().int(),
  category: z.enum(['PAID', 'PROMOTIONAL']),
  // Absent, never undefined: a draw is a LotDraw as lots.ts makes it.
  expiresAt: z.string().exactOptional(),
  grantedAt: z.string(),
  transactionId: z.string(),
});

export function lotDrawsFromItem(value: unknown): LotDraw[] {
  return z.array(LotDrawSchema).parse(value ?? []);
}
