import * as z from 'zod';
import { MAX_REQUEST_AMOUNT_CENTS } from './money.ts';

/** Customer and product ids are the external API's; we accept the characters ids are made of. */
export const ExternalIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1 to 128 letters, digits, "-" or "_"');

/** A whole number of cents from 1 to one billion dollars. */
export const AmountCentsSchema = z.number().int().min(1).max(MAX_REQUEST_AMOUNT_CENTS);

export const ReasonSchema = z
  .string()
  .min(1)
  .max(500)
  .refine((value) => value.trim().length > 0, 'must not be blank');

export const TimestampSchema = z.iso.datetime();
