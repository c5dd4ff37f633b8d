// One Khmer/Latin text normaliser shared by every search driver, used both when indexing and when
// querying, so a buyer's query and a listing's text meet in the same form. Pure: no I/O.
import pluralize from "pluralize";

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
const graphemes = new Intl.Segmenter("km", { granularity: "grapheme" });

// pluralize's rules make "chilly" of "chillies"; the market says chilli and chili.
pluralize.addIrregularRule("chilli", "chillies");
pluralize.addIrregularRule("chili", "chilies");
const LATIN_WORD = /^[a-z]{3,}$/;

/** English plural to singular ("tomatoes" → "tomato"), the same at index and query time. */
function singular(word: string) {
  return LATIN_WORD.test(word) ? pluralize.singular(word) : word;
}

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
      else words.push(singular(part));
    }
  }
  return words;
}

const KHMER_BASE = /[\u1780-\u17B3]/u;
const COENG = "\u17D2";
const KHMER_VOWEL_SIGN = /[\u17B6-\u17C5]/u;
const compoundCache = new Map<string, string[]>();

/**
 * The two words of a Khmer compound that ICU's dictionary keeps whole (ស្ពៃខៀវ → ស្ពៃ, ខៀវ), so the
 * last word of a two-word name finds it. A split counts only where each part is itself one
 * dictionary word, the first a syllable with a vowel or longer (not the prefix ត្រ of ត្រកួន), the
 * second at least two clusters (not ណា of ខាត់ណា, a common word on its own).
 */
export function compoundParts(word: string): string[] {
  const cached = compoundCache.get(word);
  if (cached) return cached;
  const chars = [...word];
  let parts: string[] = [];
  for (let i = 1; i < chars.length && parts.length === 0; i++) {
    // A new syllable starts at a base letter that is not written under the one before it.
    if (!KHMER_BASE.test(chars[i]!) || chars[i - 1] === COENG) continue;
    const head = chars.slice(0, i).join("");
    const tail = chars.slice(i).join("");
    const headOk = isOneWord(head) && (clusters(head) >= 2 || KHMER_VOWEL_SIGN.test(head));
    if (headOk && isOneWord(tail) && clusters(tail) >= 2) parts = [head, tail];
  }
  if (compoundCache.size > 50_000) compoundCache.clear();
  compoundCache.set(word, parts);
  return parts;
}

function isOneWord(text: string) {
  const words = segmentKhmer(text);
  return words.length === 1 && words[0] === text;
}

const clusters = (text: string) => [...graphemes.segment(text)].length;

/**
 * The text as space-separated normalised words, as both drivers index it: a Khmer compound is
 * followed by its two words.
 */
export function segmentForIndex(text: string): string {
  return tokenize(text)
    .flatMap((word) => (KHMER_CHAR.test(word) ? [word, ...compoundParts(word)] : [word]))
    .join(" ");
}

/** A query as space-separated normalised words (no compound parts: the whole word is indexed). */
export function segmentForQuery(text: string): string {
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
