import { describe, expect, test } from "vitest";
import { parsePledgeCsv, pledgesToSave } from "./pledge-csv";

const farmers = [
  { id: 11, name: "សុខ សុភា" },
  { id: 12, name: "ចាន់ ដារ៉ា" },
  { id: 13, name: "Sok, Dara" },
  { id: 14, name: "Keo\nSreymom" },
];

describe("parsePledgeCsv", () => {
  test("reads names or ids, with a header, Khmer digits and Windows line ends", () => {
    const text = "\uFEFFfarmer,quantity\r\nសុខ សុភា,40\r\n12,៣៥\r\n";
    expect(parsePledgeCsv(text, farmers)).toEqual({
      pledges: [
        { farmerId: 11, quantity: 40 },
        { farmerId: 12, quantity: 35 },
      ],
      errors: [],
    });
  });

  test("reports every bad line by number", () => {
    const text = "សុខ សុភា,-3\nnobody,10\n11,5\n11,6\nonly-one-column";
    expect(parsePledgeCsv(text, farmers).errors).toEqual([
      { line: 1, problem: "supply.csvQuantity" },
      { line: 2, problem: "supply.csvFarmer" },
      { line: 4, problem: "supply.csvDuplicate" },
      { line: 5, problem: "supply.csvColumns" },
    ]);
  });

  test("a quoted name may hold a comma or a line break; later lines keep their numbers", () => {
    const text = 'member,quantity\n"Sok, Dara",7\n"Keo\nSreymom";8\nnobody,1\n';
    expect(parsePledgeCsv(text, farmers)).toEqual({
      pledges: [
        { farmerId: 13, quantity: 7 },
        { farmerId: 14, quantity: 8 },
      ],
      errors: [{ line: 5, problem: "supply.csvFarmer" }],
    });
  });

  test("quantity 0 removes the member's pledge", () => {
    expect(parsePledgeCsv("11,0\n12,5", farmers)).toEqual({
      pledges: [
        { farmerId: 11, quantity: 0 },
        { farmerId: 12, quantity: 5 },
      ],
      errors: [],
    });
  });

  test("an unclosed quote is a clear error, not a crash", () => {
    expect(parsePledgeCsv('11,5\n"Sok, Dara,7\n', farmers)).toEqual({
      pledges: [],
      errors: [{ line: 2, problem: "supply.csvFormat" }],
    });
  });
});

describe("pledgesToSave", () => {
  const sheet = [{ farmerId: 11, quantity: 4 }];
  test("members missing from the sheet keep their pledge, or are removed when asked", () => {
    expect(pledgesToSave(sheet, [11, 12], "keep")).toEqual(sheet);
    expect(pledgesToSave(sheet, [11, 12], "remove")).toEqual([
      { farmerId: 11, quantity: 4 },
      { farmerId: 12, quantity: 0 },
    ]);
  });
});
