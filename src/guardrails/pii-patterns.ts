// Pattern detectors for the entity types whose shape (and, where one exists, check digit) identifies
// them. Each detector is one global regex plus an acceptance test; the entity is the regex's `value`
// group (or the whole match), so a keyword that gives context ("routing number 0210...") is not masked.
//
// Types with a checksum are accepted only when it holds; types without one (phone numbers, bank account
// numbers, passport numbers...) either have a distinctive shape or need a keyword right before them,
// because a bare run of digits is not evidence of anything. Which rule applies is stated per detector.

import { isIPv6 } from 'node:net';
import {
  abaRoutingValid,
  cardIssuerKnown,
  ibanValid,
  itinValid,
  luhnValid,
  nhsNumberValid,
  ninoPrefixValid,
  ssnValid,
  vinValid,
} from './checksums.js';
import type { PiiEntityType } from './pii-types.js';

export interface PatternDetector {
  type: PiiEntityType;
  /** When spans of two types overlap, the higher priority wins (a checksum beats a shape). */
  priority: number;
  /** Global; the named group `value` is the entity when present. */
  regex: RegExp;
  accept?: (match: RegExpExecArray, text: string) => boolean;
}

const CHECKSUM = 30;
const STRUCTURED = 20;
const SHAPE = 10;
const KEYWORD = 5;

const digitsOf = (s: string) => s.replace(/\D/g, '');

/** A keyword within `window` characters before `index`: context for shapes that are ambiguous alone. */
function preceded(text: string, index: number, keyword: RegExp, window = 40): boolean {
  return keyword.test(text.slice(Math.max(0, index - window), index));
}

const NHS_CONTEXT = /\b(?:nhs|health service|patient)\b/i;
const PHONE_CONTEXT = /\b(?:phone|tel|telephone|mobile|cell|call|fax|ring|contact)\b/i;

export const PATTERN_DETECTORS: readonly PatternDetector[] = [
  {
    // 13-19 digits, optionally grouped by spaces or dashes; Luhn and a known issuer range and length.
    type: 'CREDIT_DEBIT_CARD_NUMBER',
    priority: CHECKSUM,
    // Not a run of digit groups inside a longer one (an IBAN's, a phone number's).
    regex: /(?<![\w-]|\d[ -])\d(?:[ -]?\d){11,18}(?![\w-]|[ -]\d)/g,
    accept: (m) => {
      const digits = digitsOf(m[0]);
      return cardIssuerKnown(digits) && luhnValid(digits);
    },
  },
  {
    // Country code, check digits, 4-character groups (spaces optional); ISO 7064 mod 97 and length.
    type: 'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
    priority: CHECKSUM,
    regex: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g,
    accept: (m) => ibanValid(m[0].replace(/ /g, '')),
  },
  {
    // 3-3-4 digits; mod 11. Needs a space-grouped form or an NHS keyword nearby: a dashed or bare
    // 10-digit number passes mod 11 one time in eleven and is far more often a phone number.
    type: 'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
    priority: CHECKSUM,
    regex: /(?<![\d+()-])(?<value>\d{3}(?<sep>[ -]?)\d{3}\k<sep>\d{4})(?![\d-])/g,
    accept: (m, text) =>
      nhsNumberValid(digitsOf(m[0])) &&
      // After an international dialling prefix it is a phone number's national part.
      !/\+\d{1,3}[ .-]?$/.test(text.slice(Math.max(0, m.index - 5), m.index)) &&
      (preceded(text, m.index, NHS_CONTEXT) ||
        (m.groups?.sep === ' ' && !preceded(text, m.index, PHONE_CONTEXT, 25))),
  },
  {
    // 17 characters without I, O, Q; the check digit in position 9 (mandatory for North American VINs).
    type: 'VEHICLE_IDENTIFICATION_NUMBER',
    priority: CHECKSUM,
    regex: /(?<![A-Za-z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Za-z0-9])/g,
    accept: (m) => /[A-Z]/.test(m[0]) && /\d/.test(m[0]) && vinValid(m[0]),
  },
  {
    // 9 digits after a routing keyword; ABA checksum and a Federal Reserve prefix.
    type: 'US_BANK_ROUTING_NUMBER',
    priority: CHECKSUM,
    regex: /\b(?:routing|ABA|RTN|transit)\b[^\d\n]{0,30}?(?<![\d-])(?<value>\d{9})(?![\d-])/gi,
    accept: (m) => abaRoutingValid(m.groups!.value!),
  },
  {
    // 3-3-3 digits with separators; Luhn, first digit not 0 or 8 (unassigned).
    type: 'CA_SOCIAL_INSURANCE_NUMBER',
    priority: CHECKSUM,
    regex: /(?<![\d-])[1-79]\d{2}([ -])\d{3}\1\d{3}(?![\d-])/g,
    accept: (m) => luhnValid(digitsOf(m[0])),
  },
  {
    // AAA-GG-SSSS with dashes or spaces (a bare 9-digit run is only taken after an SSN keyword);
    // the SSA's validity rules, as SSNs have no check digit.
    type: 'US_SOCIAL_SECURITY_NUMBER',
    priority: CHECKSUM,
    regex: /(?<![\d-])(?<a>\d{3})(?<sep>[- ])(?<g>\d{2})\k<sep>(?<s>\d{4})(?![\d-])/g,
    accept: (m) => ssnValid(m.groups!.a!, m.groups!.g!, m.groups!.s!),
  },
  {
    type: 'US_SOCIAL_SECURITY_NUMBER',
    priority: CHECKSUM,
    regex: /\b(?:SSN|social security(?: number| no\.?)?)\b[^\d\n]{0,20}?(?<![\d-])(?<value>\d{9})(?![\d-])/gi,
    accept: (m) => {
      const v = m.groups!.value!;
      return ssnValid(v.slice(0, 3), v.slice(3, 5), v.slice(5));
    },
  },
  {
    type: 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
    priority: CHECKSUM,
    regex: /(?<![\d-])(?<a>9\d{2})(?<sep>[- ])(?<g>\d{2})\k<sep>\d{4}(?![\d-])/g,
    accept: (m) => itinValid(m.groups!.a!, m.groups!.g!),
  },
  {
    // Two prefix letters from HMRC's allowed sets, six digits, suffix A-D; spaces optional.
    type: 'UK_NATIONAL_INSURANCE_NUMBER',
    priority: CHECKSUM,
    regex:
      /(?<![A-Za-z0-9])(?<p>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/g,
    accept: (m) => ninoPrefixValid(m.groups!.p!),
  },
  {
    type: 'EMAIL',
    priority: STRUCTURED,
    regex:
      /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g,
  },
  {
    // Trailing sentence punctuation is not part of a URL (see trimUrl).
    type: 'URL',
    priority: STRUCTURED,
    regex: /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'`]+/gi,
  },
  {
    type: 'IP_ADDRESS',
    priority: STRUCTURED,
    regex:
      /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d)/g,
  },
  {
    // Candidates with at least two colons, decided by Node's own IPv6 parser.
    type: 'IP_ADDRESS',
    priority: STRUCTURED,
    regex: /(?<![\w:])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:)[0-9A-Fa-f:]{3,39}(?![\w:])/g,
    accept: (m) => /[0-9A-Fa-f]{2}/.test(m[0]) && isIPv6(m[0]),
  },
  {
    // Six octets with one consistent separator, or Cisco's three dotted quads.
    type: 'MAC_ADDRESS',
    priority: STRUCTURED,
    regex:
      /(?<![\w:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:-]|\.\w)/g,
  },
  {
    // Access key ids: a documented prefix and 16 base-32 characters.
    type: 'AWS_ACCESS_KEY',
    priority: STRUCTURED,
    regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g,
  },
  {
    // 40 base-64 characters standing alone, with upper case, lower case and a digit (which rules out
    // hex digests such as git SHAs).
    type: 'AWS_SECRET_KEY',
    priority: STRUCTURED,
    regex: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    accept: (m) => /[A-Z]/.test(m[0]) && /[a-z]/.test(m[0]) && /\d/.test(m[0]),
  },
  {
    // International form (+CC ...), North American (NXX) NXX-XXXX, UK national 0XXXX XXXXXX; a
    // space-only 3-3-4 group is taken only after a phone keyword (otherwise it may be an NHS number).
    type: 'PHONE',
    priority: SHAPE,
    regex:
      /(?<![\w+]|\d[ .-])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[-.])[2-9]\d{2}[-.]\d{4}|0\d{2,4} \d{3,4} ?\d{3,4})(?![\w-]|[ .-]\d)/g,
    accept: (m) => {
      const n = digitsOf(m[0]).length;
      return n >= 10 && n <= 15;
    },
  },
  {
    type: 'PHONE',
    priority: SHAPE,
    regex:
      /\b(?:phone|tel|telephone|mobile|cell|call|fax)\b[^\d\n]{0,20}?(?<![\d-])(?<value>[2-9]\d{2} [2-9]\d{2} \d{4})(?![\d-])/gi,
  },
  {
    // The value after a password keyword and `:`/`=`, or after "is" when it does not read as a word.
    type: 'PASSWORD',
    priority: KEYWORD,
    regex:
      /\b(?:password|passwd|passphrase|pwd|passcode)\b\s*(?<how>[:=]|is|was)\s*(?<q>["'`]?)(?<value>[^\s"'`,;]{4,64})\k<q>/gi,
    accept: (m) =>
      m.groups!.how === ':' ||
      m.groups!.how === '=' ||
      m.groups!.q !== '' ||
      /[^A-Za-z]/.test(m.groups!.value!.replace(/[.!?]$/, '')),
  },
  {
    type: 'CREDIT_DEBIT_CARD_CVV',
    priority: KEYWORD,
    regex:
      /\b(?:CVV2?|CVC2?|CID|security code|card verification(?: value| code)?)\b[^\d\n]{0,12}?(?<value>\d{3,4})\b/gi,
  },
  {
    type: 'CREDIT_DEBIT_CARD_EXPIRY',
    priority: KEYWORD,
    regex:
      /\b(?:exp(?:iry|iration)?(?: date)?|expires|valid (?:thru|through|until))\b[^\d\n]{0,12}?(?<value>(?:0[1-9]|1[0-2]) ?[/-] ?(?:20)?\d{2})(?!\d)/gi,
  },
  {
    type: 'PIN',
    priority: KEYWORD,
    regex: /\b(?:PIN|pin)(?: code| number)?\b\s*(?:is|:|=|#)?\s*(?<value>\d{4,8})\b/g,
  },
  {
    type: 'SWIFT_CODE',
    priority: KEYWORD,
    regex: /\b(?:SWIFT|BIC)\b[^A-Z\n]{0,20}?(?<value>[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b/g,
  },
  {
    type: 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
    priority: KEYWORD,
    regex: /\b(?:UTR|unique taxpayer reference)\b[^\d\n]{0,20}?(?<value>\d{5} ?\d{5})(?!\d)/gi,
  },
  {
    type: 'US_BANK_ACCOUNT_NUMBER',
    priority: KEYWORD,
    regex:
      /\b(?:account|acct)\.?\s*(?:number|no\.?|#)?\s*(?:is|:|=)?\s*(?<![\d-])(?<value>\d{6,17})(?![\d-])/gi,
  },
  {
    type: 'US_PASSPORT_NUMBER',
    priority: KEYWORD,
    regex: /\bpassport\b[^\d\n]{0,25}?(?<![A-Za-z0-9])(?<value>[A-Z]?\d{8,9})(?![A-Za-z0-9])/gi,
  },
  {
    type: 'CA_HEALTH_NUMBER',
    priority: KEYWORD,
    regex:
      /\b(?:OHIP|health card|health number|carte santé|RAMQ)\b[^\d\n]{0,20}?(?<value>\d{4}[ -]?\d{3}[ -]?\d{3}(?:[ -]?[A-Z]{2})?)(?![\dA-Za-z])/gi,
  },
  {
    type: 'DRIVER_ID',
    priority: KEYWORD,
    regex:
      /\b(?:driver'?s? licen[cs]e|driving licen[cs]e|DL)\b(?: (?:number|no\.?|#))?\s*(?:is|:|=)?\s*(?<value>(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{4,19})\b/gi,
  },
  {
    type: 'LICENSE_PLATE',
    priority: KEYWORD,
    regex:
      /\b(?:licen[cs]e plate|number plate|plate(?: number)?|registration(?: number)?)\b\s*(?:is|:|=|#)?\s*(?<value>(?=[A-Z0-9 -]*\d)[A-Z0-9]{1,4}[ -]?[A-Z0-9]{1,4}(?:[ -]?[A-Z0-9]{1,4})?)\b/g,
  },
  {
    type: 'USERNAME',
    priority: KEYWORD,
    regex:
      /\b(?:user ?name|login|user id|handle)\b\s*(?:is|:|=)\s*(?<value>@?[A-Za-z0-9][A-Za-z0-9._-]{2,63})/gi,
  },
  {
    // "42 years old", "aged 42", "age: 42": a number that these phrases make an age.
    type: 'AGE',
    priority: KEYWORD,
    regex: /\b(?:(?<a>\d{1,3})[ -]years?[ -]old\b|(?:aged|age(?: is)?:?)\s+(?<b>\d{1,3})\b)/gi,
    accept: (m) => Number(m.groups!.a ?? m.groups!.b) <= 130,
  },
  {
    // A house number, one to four capitalised words and a street suffix, optionally followed by a
    // town and a US ZIP or UK postcode.
    type: 'ADDRESS',
    priority: SHAPE,
    regex:
      /\b\d{1,5}[A-Za-z]?,? (?:[A-Z][a-z]+ ){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Court|Ct|Place|Pl|Square|Sq|Terrace|Way|Close|Crescent|Parkway|Highway|Hwy)\b\.?(?:,? [A-Z][a-z]+(?: [A-Z][a-z]+){0,2})?(?:,? (?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|(?:[A-Z]{2} )?\d{5}(?:-\d{4})?|[A-Z]{2}\b))?/g,
  },
];

/** The entity inside a match: the `value` group when there is one, less a URL's trailing punctuation. */
export function entityBounds(detector: PatternDetector, m: RegExpExecArray): [number, number] {
  const value = m.groups?.value;
  let start = m.index;
  let end = m.index + m[0].length;
  if (value !== undefined) {
    end = start + m[0].lastIndexOf(value) + value.length;
    start = end - value.length;
  }
  if (detector.type === 'URL' || detector.type === 'ADDRESS' || detector.type === 'PASSWORD') {
    const text = m.input;
    // A password may well end in ! or ?; a sentence's full stop or comma is not part of it.
    const trailing = detector.type === 'PASSWORD' ? /[.,;:)\]}]/ : /[.,;:!?'")\]}]/;
    while (end > start && trailing.test(text[end - 1]!)) {
      // A closing parenthesis belongs to the URL when it opened one (Wikipedia-style links).
      if (text[end - 1] === ')' && text.slice(start, end).includes('(')) break;
      end--;
    }
  }
  return [start, end];
}
