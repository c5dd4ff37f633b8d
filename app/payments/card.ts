/** Where Stripe's card page sends the buyer back to: the order's page, saying how it went. */
export function cardReturnUrls(origin: string, orderId: number) {
  return {
    successUrl: `${origin}/orders/${orderId}?card=returned`,
    cancelUrl: `${origin}/orders/${orderId}?card=cancelled`,
  };
}
