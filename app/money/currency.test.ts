import { expect, test } from "vitest";
import { cardsTake, priceInRiel } from "./currency";

test("a dollar price compares in riel at 4,100 riel a dollar, rounded to whole riel", () => {
  expect(priceInRiel(2600, "KHR")).toBe(2600);
  expect(priceInRiel(65, "USD")).toBe(2665);
  expect(priceInRiel(1, "USD")).toBe(41);
});

test("cards take dollars only", () => {
  expect(cardsTake("USD")).toBe(true);
  expect(cardsTake("KHR")).toBe(false);
});
