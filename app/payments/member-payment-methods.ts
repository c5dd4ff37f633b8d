// How a cooperative hands money to a member. Pure, so the pay form's options can use it in the browser.
export const MEMBER_PAYMENT_METHODS = ["CASH", "BAKONG", "WING", "BANK_TRANSFER"] as const;
