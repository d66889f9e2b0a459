// JSON numbers in request bodies (SPEC §2): a JSON number is read through its shortest decimal text
// (50000.05 is "50000.05"). JSON.parse turns it into a double first, so before anything uses the parsed
// body, scanJsonNumbers checks every number literal in the raw text: exponent notation, more than 18
// decimals, an integer part beyond 2^53, or a literal the double does not represent exactly (its
// shortest text names another value) make the body INVALID_PRECISION. After that check, numberText(n)
// gives back exactly the decimal the client wrote (up to trailing zeros).
import { MAX_INPUT_DECIMALS } from "@perpx/shared/fixed";

export type NumberProblem = { literal: string; why: string };

const MAX_SAFE_DIGITS = "9007199254740991";

/** Digits of a plain decimal without sign, leading integer zeros or trailing fraction zeros. */
function canonical(intPart: string, frac: string): string {
  const i = intPart.replace(/^0+(?=\d)/, "");
  const f = frac.replace(/0+$/, "");
  return f ? `${i}.${f}` : i;
}

/** Shortest decimal text of a finite double, never in exponent form ("1e-7" → "0.0000001"). */
export function numberText(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-])(\d+)$/.exec(s);
  if (!m) return s === "-0" ? "0" : s;
  const [, sign, lead, rest = "", esign, exp] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const digits = lead + rest;
  const e = Number(exp);
  if (esign === "-") return `${sign}0.${"0".repeat(e - 1)}${digits}`;
  return sign + digits + "0".repeat(Math.max(0, e - rest.length));
}

function checkLiteral(lit: string): string | undefined {
  if (/[eE]/.test(lit)) return "exponent notation";
  const m = /^-?(\d+)(?:\.(\d+))?$/.exec(lit);
  if (!m) return "not a plain decimal";
  const intPart = (m[1] ?? "0").replace(/^0+(?=\d)/, "");
  const frac = m[2] ?? "";
  if (frac.length > MAX_INPUT_DECIMALS) return `more than ${MAX_INPUT_DECIMALS} decimals`;
  if (intPart.length > 16 || (intPart.length === 16 && intPart > MAX_SAFE_DIGITS)) return "beyond 2^53";
  // ≤ 15 significant digits always survive a double round trip exactly
  const significant = (intPart + frac).replace(/^0+/, "").replace(/0+$/, "").length;
  if (significant <= 15) return undefined;
  const n = Number(lit);
  const back = numberText(Math.abs(n));
  const [bi = "0", bf = ""] = back.split(".");
  if (canonical(bi, bf) !== canonical(intPart, frac)) return "not exactly representable";
  return undefined;
}

/**
 * Where a number literal may start in JSON text: at the start or after `:` `,` `[`, past whitespace. No
 * match means the text has no number literal at all (a match may be inside a string: then the full
 * scan decides). Order bodies carry their decimals as strings, so most are settled by this one test.
 */
const MAYBE_NUMBER = /(?:^|[:,[])[\t\n\r ]*[-0-9]/;

/**
 * First number literal in valid JSON text that cannot be read exactly, or undefined. Strings (with
 * escapes) are skipped; the text must already have passed JSON.parse.
 */
export function scanJsonNumbers(text: string): NumberProblem | undefined {
  if (!MAYBE_NUMBER.test(text)) return undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
    } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) i++;
        else break;
      }
      const lit = text.slice(start, i);
      const why = checkLiteral(lit);
      if (why) return { literal: lit.length > 40 ? `${lit.slice(0, 40)}…` : lit, why };
    } else i++;
  }
  return undefined;
}
