import { deductCreditRoute } from './credit-change.route.ts';

export const handler = deductCreditRoute();
