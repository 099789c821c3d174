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
