import { grantCreditRoute } from './credit-change.route.ts';

export const handler = grantCreditRoute();
