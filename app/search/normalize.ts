// One Khmer/Latin text normaliser shared by every search driver, used both when indexing and when
// querying, so a buyer's query and a listing's text meet in the same form. Pure: no I/O.

const ZERO_WIDTH = /[\u200B-\u200D\uFEFF\u2060]/g;
// The subscript forms of ដ (្ដ) and ត (្ត) look the same and are typed interchangeably. We keep ្ត:
// ICU's Khmer dictionary knows more words spelled with it (ស្ពៃក្តោប splits, ស្ពៃក្ដោប does not).
const SUBSCRIPT_DA = /\u17D2\u178A/g;
const SUBSCRIPT_TA = "\u17D2\u178F";
const KHMER_DIGIT = /[\u17E0-\u17E9]/g;
const KHMER_CHAR = /[\u1780-\u17FF\u19E0-\u19FF]/u;
// Khmer punctuation (khan ។, bariyoosan ៕, etc.) separates words like Latin punctuation does.
const KHMER_PUNCTUATION = /[\u17D4-\u17DA]/g;

const segmenter = new Intl.Segmenter("km", { granularity: "word" });

/** NFC, no zero-width characters, one subscript form, ASCII digits, lower-case Latin. */
export function normalizeText(text: string): string {
  return text
    .normalize("NFC")
    .replace(ZERO_WIDTH, "")
    .replace(SUBSCRIPT_DA, SUBSCRIPT_TA)
    .replace(KHMER_DIGIT, (digit) => String(digit.charCodeAt(0) - 0x17e0))
    .replace(KHMER_PUNCTUATION, " ")
    .toLowerCase();
}

/** Splits Khmer runs (written without spaces) into dictionary words with ICU's segmenter. */
function segmentKhmer(run: string): string[] {
  return [...segmenter.segment(run)].filter((s) => s.isWordLike).map((s) => s.segment);
}

/**
 * The words of a text, normalised: Latin words split on anything that is not a letter or digit,
 * Khmer runs split into words. Order is kept; duplicates are kept (callers may dedupe).
 */
export function tokenize(text: string): string[] {
  const normalized = normalizeText(text);
  const words: string[] = [];
  for (const chunk of normalized.split(/[^\p{L}\p{M}\p{N}]+/u)) {
    if (!chunk) continue;
    // A chunk may mix scripts ("ត្រកួន2kg"): split it at every script change first.
    for (const part of chunk.split(
      /(?<=[\u1780-\u17FF\u19E0-\u19FF])(?=[^\u1780-\u17FF\u19E0-\u19FF])|(?<=[^\u1780-\u17FF\u19E0-\u19FF])(?=[\u1780-\u17FF\u19E0-\u19FF])/u,
    )) {
      if (!part) continue;
      if (KHMER_CHAR.test(part)) words.push(...segmentKhmer(part));
      else words.push(part);
    }
  }
  return words;
}

/** The text as space-separated normalised words: what the PostgreSQL driver indexes and searches. */
export function segmentForIndex(text: string): string {
  return tokenize(text).join(" ");
}

/** True when the text holds Khmer letters (used to pick the Khmer locale). */
export function hasKhmer(text: string): boolean {
  return KHMER_CHAR.test(text);
}

/**
 * How many typos a query word may carry, with Meilisearch's default bounds: none under 5 letters,
 * one for 5 to 8, two for 9 or more. Letters are Unicode code points (a Khmer sign counts as one).
 */
export function allowedTypos(word: string): 0 | 1 | 2 {
  const length = [...word].length;
  if (length < 5) return 0;
  if (length < 9) return 1;
  return 2;
}
