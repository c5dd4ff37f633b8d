/** SEUAC counts a farmer as young when under 35 in the given year. */
export const YOUNG_FARMER_AGE_LIMIT = 35;

/** The earliest birth year still counted as young in `year`. */
export function youngFarmerMinBirthYear(year: number) {
  return year - YOUNG_FARMER_AGE_LIMIT + 1;
}

export function isYoungFarmer(birthYear: number, year: number) {
  return birthYear >= youngFarmerMinBirthYear(year);
}

/** A share as a fraction 0..1; an empty group has no share (null), not 0%. */
export function share(part: number, whole: number) {
  return whole > 0 ? part / whole : null;
}
