import { expect, test } from "vitest";
import { domainReply, DomainError, refusalReply, refused } from "./errors";

class ThingError extends DomainError {}
class OtherError extends DomainError {}

const submission = {
  reply: (options: { fieldErrors?: Record<string, string[]>; formErrors?: string[] }) => options,
};

test("a refusal the route expects is returned; anything else is rethrown", () => {
  const thing = new ThingError("thing.gone");
  expect(refused(thing, ThingError)).toBe(thing);
  expect(refused(thing, OtherError, ThingError)).toBe(thing);
  expect(refused(thing)).toBe(thing);
  expect(() => refused(thing, OtherError)).toThrow(thing);
  const bug = new TypeError("x is undefined");
  expect(() => refused(bug)).toThrow(bug);
  expect(() => refused("a string")).toThrow();
});

test("a refusal is shown beside its field, or above the form", async () => {
  expect(refusalReply(submission, new DomainError("supply.price", "price"))).toEqual({
    fieldErrors: { price: ["supply.price"] },
  });
  expect(refusalReply(submission, new DomainError("payments.forbidden"))).toEqual({
    formErrors: ["payments.forbidden"],
  });
  const response = domainReply(submission, new ThingError("thing.gone"));
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({ formErrors: ["thing.gone"] });
});

test("a DomainError keeps its key, field and parameters", () => {
  const error = new DomainError("auth.tooManyAttempts", undefined, { minutes: 5 });
  expect(error).toBeInstanceOf(Error);
  expect(error.message).toBe("auth.tooManyAttempts");
  expect(error.params).toEqual({ minutes: 5 });
});
