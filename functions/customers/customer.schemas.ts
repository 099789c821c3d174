import * as z from 'zod';
import { AddressSchema } from '#shared/external/external-api.schemas.ts';
import { PageQuerySchema } from '#shared/pagination.ts';
import { TimestampSchema } from '#shared/schemas.ts';
import { CreditSchema } from '../credit/credit.schemas.ts';

export { CustomerPathSchema } from '../credit/credit.schemas.ts';

/** `?limit=` and `?cursor=`; customers are listed by id (see DESIGN.md, "Read routes"). */
export const ListCustomersQuerySchema = PageQuerySchema;

/**
 * A customer as the admin app shows it: the external API's details (possibly cached, at most
 * 30 s old) and the credit this service holds (read now).
 */
export const CustomerViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  billingAddress: AddressSchema,
  shippingAddress: AddressSchema,
  lastModifiedAt: TimestampSchema,
  credit: CreditSchema,
});

export const CustomerPageSchema = z.object({
  items: z.array(CustomerViewSchema),
  nextCursor: z.string().nullable(),
});

export type CustomerView = z.infer<typeof CustomerViewSchema>;

/** `?q=` and the page: what a rep types, and how many customers a page holds. */
export const SearchCustomersQuerySchema = PageQuerySchema.extend({
  q: z
    .string()
    .max(200)
    .refine((text) => text.trim() !== '', 'must not be empty')
    .describe(
      'A name or email, or any part of one (case and accents ignored), or an exact customer, purchase or shipment id',
    ),
});

export const CustomerSearchMatchSchema = z
  .enum(['CUSTOMER_ID', 'PURCHASE_ID', 'SHIPMENT_ID', 'NAME_OR_EMAIL'])
  .describe('What the term matched');

/**
 * A customer the search found: name and email as the service last read them (`refreshedAt`), or
 * null for a customer found by a purchase or shipment whom no customer route has read yet.
 */
export const CustomerSearchHitSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  matchedBy: CustomerSearchMatchSchema,
  refreshedAt: TimestampSchema.nullable().describe('When the service last read the name and email'),
});

export const CustomerSearchPageSchema = z.object({
  items: z.array(CustomerSearchHitSchema),
  nextCursor: z.string().nullable(),
});

export type CustomerSearchMatch = z.infer<typeof CustomerSearchMatchSchema>;
export type CustomerSearchHit = z.infer<typeof CustomerSearchHitSchema>;
