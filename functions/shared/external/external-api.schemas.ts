import * as z from 'zod';

/**
 * The external Customers/Products/Shipments API (docs/api.md, "The external API this service calls"), as
 * zod schemas. Responses are read tolerantly (unknown fields ignored: the other team may add some),
 * but every field we rely on is checked, so nonsense becomes UPSTREAM_ERROR rather than a bad charge.
 * The mock server imports the same schemas.
 */

/**
 * Unix epoch milliseconds, as the API sends them, limited to years 0000 to 9999: the instants a
 * JavaScript Date can hold and an ISO 8601 timestamp (ours, `TimestampSchema`) can write with four
 * digits. Anything else is nonsense from the other team: an UPSTREAM_ERROR now, not a RangeError when
 * the snapshot is written.
 */
export const EpochMillisSchema = z
  .number()
  .int()
  .min(-62_167_219_200_000) // 0000-01-01T00:00:00.000Z
  .max(253_402_300_799_999); // 9999-12-31T23:59:59.999Z

export const AddressSchema = z.object({
  line1: z.string().min(1),
  line2: z.string().optional(),
  city: z.string().min(1),
  postalCode: z.string().min(1),
  state: z.string().min(1),
  country: z.string().min(1),
});

export const ExternalCustomerSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  email: z.string(),
  billingAddress: AddressSchema,
  shippingAddress: AddressSchema,
  createdAt: EpochMillisSchema,
  lastModifiedAt: EpochMillisSchema,
});

export const ExternalProductSchema = z.object({
  id: z.string().min(1),
  sku: z.string().min(1),
  name: z.string(),
  description: z.string(),
  /** Unit price in US dollars, e.g. 1299.99 (the money module converts it to cents). */
  price: z.number(),
  createdAt: EpochMillisSchema,
  lastModifiedAt: EpochMillisSchema,
});

export const CreateShipmentRequestSchema = z.object({
  shippingAddress: AddressSchema,
  products: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1) })).min(1),
});

/**
 * The longest shipment id we keep. The contract sets no bound, but the id is stored in the
 * reservation and the purchase, whose size is checked before anything is held (with an id this
 * long): a longer one is an answer we cannot keep, refused like any other nonsense.
 */
export const MAX_SHIPMENT_ID_LENGTH = 1_024;

export const CreateShipmentResponseSchema = z.object({ id: z.string().min(1).max(MAX_SHIPMENT_ID_LENGTH) });

export type Address = z.infer<typeof AddressSchema>;
export type ExternalCustomer = z.infer<typeof ExternalCustomerSchema>;
export type ExternalProduct = z.infer<typeof ExternalProductSchema>;
export type CreateShipmentRequest = z.infer<typeof CreateShipmentRequestSchema>;
export type CreateShipmentResponse = z.infer<typeof CreateShipmentResponseSchema>;
