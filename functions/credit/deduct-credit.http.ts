import { creditChangeRoute } from './credit-change.route.ts';

export const handler = creditChangeRoute('DEDUCTION');
