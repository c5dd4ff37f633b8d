// The one shape of a refusal the user can act on, and the one way a route turns it into its answer.
// Feature modules throw subclasses (OrderError, PaymentError, SupplyError...) so a route can still
// say which refusals it expects; anything else is rethrown and stays a 500. Pure (no I/O), so it may
// be imported from any folder and from the browser.

/** A refusal: `key` is a translation key, `field` the form field it belongs to, `params` for t(). */
export class DomainError extends Error {
  constructor(
    public readonly key: string,
    public readonly field?: string,
    public readonly params?: Readonly<Record<string, string | number>>,
  ) {
    super(key);
    this.name = "DomainError";
  }
}

// Abstract so that subclasses with any constructor are accepted.
type DomainErrorClass<E extends DomainError> = abstract new (...args: never[]) => E;

/**
 * The error when it is one of `kinds` (any DomainError when none are named); anything else is
 * rethrown, so a bug or a refusal the route did not expect keeps its 500.
 */
export function refused<E extends DomainError = DomainError>(
  error: unknown,
  ...kinds: DomainErrorClass<E>[]
): E {
  const accepted = kinds.length ? kinds : [DomainError];
  if (accepted.some((kind) => error instanceof kind)) return error as E;
  throw error;
}

type Submission<Result> = {
  reply(options: { fieldErrors?: Record<string, string[]>; formErrors?: string[] }): Result;
};

/** A refusal as Conform's reply: beside its field, or above the form when it names none. */
export function refusalReply<Result>(
  submission: Submission<Result>,
  refusal: { key: string; field?: string },
): Result {
  return submission.reply(
    refusal.field
      ? { fieldErrors: { [refusal.field]: [refusal.key] } }
      : { formErrors: [refusal.key] },
  );
}

/** A refused form post's answer: the reply with status 400, so the form shows what was typed. */
export function domainReply<Result>(
  submission: Submission<Result>,
  refusal: { key: string; field?: string },
) {
  return Response.json(refusalReply(submission, refusal), { status: 400 });
}
