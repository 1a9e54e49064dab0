// The labelled evaluation set: short texts with one planted entity each (the ground truth: its type and
// exact text), and near-misses, texts with something of the same shape that is not that entity (a card
// number failing Luhn, an IBAN with wrong check digits, an SSN in a range never issued, a time that
// looks like a MAC address...). Generated from a seed, so every run scores the same set. The check digits
// are computed here independently of src/ (from the public definitions), so a bug there shows up.

import { seededRandom } from '../authz/random.mjs';

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function tools(seed) {
  const r = seededRandom(seed);
  const pick = (list) => list[r.below(list.length)];
  const digits = (n) => Array.from({ length: n }, () => DIGITS[r.below(10)]).join('');
  const chars = (n, alphabet) => Array.from({ length: n }, () => alphabet[r.below(alphabet.length)]).join('');
  return { r, pick, digits, chars };
}

// --- Check digits, from their published definitions.

function luhnCheckDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function ibanCheck(country, bban) {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + Number(ch)) % 97;
  return String(98 - rem).padStart(2, '0');
}

function nhsCheck(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  return check === 11 ? '0' : check === 10 ? undefined : String(check);
}

const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const VIN_VALUE = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
const VIN_WEIGHT = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
function vinCheck(vin) {
  let sum = 0;
  for (let i = 0; i < 17; i++)
    sum += (/\d/.test(vin[i]) ? Number(vin[i]) : VIN_VALUE[vin[i]]) * VIN_WEIGHT[i];
  const c = sum % 11;
  return c === 10 ? 'X' : String(c);
}

function abaCheck(eight) {
  const d = (i) => Number(eight[i]);
  const partial = 3 * (d(0) + d(3) + d(6)) + 7 * (d(1) + d(4) + d(7)) + (d(2) + d(5));
  return String((10 - (partial % 10)) % 10);
}

// --- Contexts the entities are planted in: {} marks the entity.

const LEADS = [
  'Please note: {} as discussed on the phone.',
  'For the claim file, {} was confirmed by the customer.',
  'Update from the adjuster - {} - see the attached notes.',
  'The record shows {} in the intake form.',
  '{} was provided at the counter today.',
];

function plant(t, template, entity) {
  const text = (template ?? t.pick(LEADS)).replace('{}', entity);
  return { text, start: text.indexOf(entity), entity };
}

// --- One generator per type: a positive (valid entity, its text) and a near-miss (same shape, not it).

function card(t, valid) {
  const kind = t.pick(['visa', 'mc', 'amex', 'discover']);
  const prefix = { visa: '4', mc: String(51 + t.r.below(5)), amex: t.pick(['34', '37']), discover: '6011' }[
    kind
  ];
  const length = kind === 'amex' ? 15 : 16;
  const body = prefix + t.digits(length - 1 - prefix.length);
  const check = luhnCheckDigit(body);
  const number = body + (valid ? check : String((Number(check) + 1 + t.r.below(8)) % 10));
  const groups = kind === 'amex' ? [4, 6, 5] : [4, 4, 4, 4];
  const sep = t.pick(['', ' ', '-']);
  const parts = [];
  let at = 0;
  for (const g of groups) {
    parts.push(number.slice(at, at + g));
    at += g;
  }
  return parts.join(sep);
}

function iban(t, valid) {
  const country = t.pick(['GB', 'DE', 'NL', 'ES', 'FR']);
  const bban = {
    GB: () => t.chars(4, UPPER) + t.digits(14),
    DE: () => t.digits(18),
    NL: () => t.chars(4, UPPER) + t.digits(10),
    ES: () => t.digits(20),
    FR: () => t.digits(23),
  }[country]();
  const check = ibanCheck(country, bban);
  const wrong = String((Number(check) + 1 + t.r.below(90)) % 100).padStart(2, '0');
  const compact = country + (valid ? check : wrong) + bban;
  return t.r.next() < 0.5 ? compact : compact.replace(/(.{4})/g, '$1 ').trim();
}

function nhs(t, valid) {
  for (;;) {
    const nine = String(4 + t.r.below(3)) + t.digits(8);
    const check = nhsCheck(nine);
    if (check === undefined) continue;
    const ten = nine + (valid ? check : String((Number(check) + 1 + t.r.below(9)) % 10));
    if (!valid && nhsCheck(nine) === ten[9]) continue;
    return t.r.next() < 0.5 ? `${ten.slice(0, 3)} ${ten.slice(3, 6)} ${ten.slice(6)}` : ten;
  }
}

function vin(t, valid) {
  const raw = t.chars(17, VIN_CHARS);
  const check = vinCheck(raw);
  const digit = valid ? check : t.pick([...'0123456789X'].filter((c) => c !== check));
  const v = `${raw.slice(0, 8)}${digit}${raw.slice(9)}`;
  return /[A-Z]/.test(v) && /\d/.test(v) ? v : vin(t, valid);
}

function routing(t, valid) {
  const prefix = String(t.pick([1 + t.r.below(12), 21 + t.r.below(12), 61 + t.r.below(12)])).padStart(2, '0');
  const eight = prefix + t.digits(6);
  const check = abaCheck(eight);
  return eight + (valid ? check : String((Number(check) + 1 + t.r.below(9)) % 10));
}

function ssn(t, valid) {
  const sep = t.pick(['-', ' ']);
  if (valid) {
    let area = 1 + t.r.below(899);
    if (area === 666) area = 667;
    return [
      String(area).padStart(3, '0'),
      String(1 + t.r.below(99)).padStart(2, '0'),
      String(1 + t.r.below(9999)).padStart(4, '0'),
    ].join(sep);
  }
  const broken = t.r.below(4);
  const area =
    broken === 0
      ? t.pick(['000', '666'])
      : broken === 1
        ? `9${t.digits(2)}`
        : String(1 + t.r.below(665)).padStart(3, '0');
  const group = broken === 2 ? '00' : String(1 + t.r.below(99)).padStart(2, '0');
  const serial = broken === 3 ? '0000' : String(1 + t.r.below(9999)).padStart(4, '0');
  // 9xx with a group of 50-65, 70-88, 90-92 or 94-99 is an ITIN, not a miss: keep 9xx groups below 50.
  return [area, area.startsWith('9') ? String(10 + t.r.below(40)) : group, serial].join(sep);
}

function itin(t, valid) {
  const group = valid
    ? t.pick([50 + t.r.below(16), 70 + t.r.below(19), 90 + t.r.below(3), 94 + t.r.below(6)])
    : t.pick([66, 67, 68, 69, 89, 93]);
  return `9${t.digits(2)}-${group}-${t.digits(4)}`;
}

const NI_FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const NI_SECOND = 'ABCEGHJKLMNPRSTWXYZ';
function nino(t, valid) {
  let prefix;
  if (valid) {
    do prefix = t.chars(1, NI_FIRST) + t.chars(1, NI_SECOND);
    while (['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(prefix));
  } else {
    prefix = t.pick([
      'BG',
      'GB',
      'NK',
      'TN',
      'ZZ',
      `D${t.chars(1, NI_SECOND)}`,
      `Q${t.chars(1, NI_SECOND)}`,
      `A${t.pick(['D', 'F', 'I', 'Q', 'U', 'V'])}`,
    ]);
  }
  const six = t.digits(6);
  const suffix = t.pick(['A', 'B', 'C', 'D']);
  return t.r.next() < 0.5
    ? `${prefix}${six}${suffix}`
    : `${prefix} ${six.slice(0, 2)} ${six.slice(2, 4)} ${six.slice(4)} ${suffix}`;
}

function caSin(t, valid) {
  const first = t.pick(['1', '2', '3', '4', '5', '6', '7', '9']);
  const body = first + t.digits(7);
  const check = luhnCheckDigit(body);
  const n = body + (valid ? check : String((Number(check) + 1 + t.r.below(9)) % 10));
  return `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`;
}

const NAMES = ['ana', 'bob', 'chen', 'dmitri', 'eva', 'farah', 'giulia', 'hiro', 'ines', 'jonas'];
const DOMAINS = ['example.com', 'claims.example.co.uk', 'mail.example.org', 'insurer.example.de'];
function email(t, valid) {
  const user = `${t.pick(NAMES)}${t.pick(['.', '_', ''])}${t.pick(NAMES)}${t.r.next() < 0.3 ? t.digits(2) : ''}`;
  const domain = t.pick(DOMAINS);
  if (valid) return `${user}@${domain}`;
  return t.pick([
    `${user} at ${domain.replace('.', ' dot ')}`,
    `@${user}`,
    `${user}@`,
    `${user}@@${domain}`.replace('@@', ' @ '),
  ]);
}

function phone(t, valid) {
  const area = String(2 + t.r.below(8)) + t.digits(2);
  const exch = String(2 + t.r.below(8)) + t.digits(2);
  const line = t.digits(4);
  if (valid) {
    return t.pick([
      `(${area}) ${exch}-${line}`,
      `${area}-${exch}-${line}`,
      `${area}.${exch}.${line}`,
      `+1 ${area} ${exch} ${line}`,
      `+44 20 ${t.digits(4)} ${t.digits(4)}`,
      `+49 30 ${t.digits(8)}`,
      `020 ${t.digits(4)} ${t.digits(4)}`,
    ]);
  }
  return t.pick([
    `${exch}-${line}`,
    `2024-${t.digits(2)}-${t.digits(2)}`,
    `ext. ${t.digits(4)}`,
    `${area}-${line}`,
  ]);
}

function ip(t, valid) {
  const octet = () => String(t.r.below(256));
  if (valid) {
    if (t.r.next() < 0.7) return [octet(), octet(), octet(), octet()].join('.');
    const h = () => t.chars(1 + t.r.below(4), '0123456789abcdef').replace(/^0+(?=.)/, '');
    return t.pick([
      `2001:db8::${h()}:${h()}`,
      `fe80::${h()}:${h()}:${h()}:${h()}`,
      [h(), h(), h(), h(), h(), h(), h(), h()].join(':'),
    ]);
  }
  return t.pick([
    `${256 + t.r.below(700)}.${octet()}.${octet()}.${octet()}`,
    `${octet()}.${octet()}.${octet()}`,
    `v${octet()}.${octet()}.${octet()}.${octet()}.${octet()}`,
  ]);
}

function mac(t, valid) {
  const octets = (n) => Array.from({ length: n }, () => t.chars(2, '0123456789ABCDEF'));
  if (valid) return t.r.next() < 0.5 ? octets(6).join(':') : octets(6).join('-').toLowerCase();
  return t.pick([
    octets(5).join(':'),
    `${t.digits(2)}:${t.digits(2)}:${t.digits(2)}`,
    `${octets(3).join(':')}-${octets(3).join(':')}`,
  ]);
}

function url(t, valid) {
  const host = t.pick(['portal.example.com', 'www.example.org', 'claims.example.co.uk']);
  const path = t.pick(['', '/claims/C-1042', '/docs?id=42&lang=en', '/a/b/c.html']);
  if (valid) return t.r.next() < 0.8 ? `https://${host}${path}` : `www.${host.replace(/^www\./, '')}${path}`;
  return t.pick(['the portal', 'https as a protocol', 'example dot com', 'http-only cookies']);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function awsAccess(t, valid) {
  const prefix = t.pick(['AKIA', 'ASIA']);
  return valid
    ? prefix + t.chars(16, BASE32)
    : t.pick([
        prefix + t.chars(15, BASE32),
        `AKIB${t.chars(16, BASE32)}`,
        prefix + t.chars(16, BASE32).toLowerCase(),
      ]);
}

function awsSecret(t, valid) {
  if (valid) {
    for (;;) {
      const s = t.chars(40, BASE64);
      if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s)) return s;
    }
  }
  return t.pick([t.chars(40, '0123456789abcdef'), t.chars(39, BASE64), t.chars(41, BASE64)]);
}

function password(t, valid) {
  const secret = `${t.chars(6, 'abcdefghijkmnpqrstuvwxyz')}${t.digits(2)}${t.pick(['!', '#', '$', ''])}`;
  return valid ? secret : undefined;
}

// Types, their generator, and templates when the type needs its keyword (the detector requires it).
const TYPES = {
  CREDIT_DEBIT_CARD_NUMBER: { make: card },
  INTERNATIONAL_BANK_ACCOUNT_NUMBER: { make: iban },
  UK_NATIONAL_HEALTH_SERVICE_NUMBER: {
    make: nhs,
    templates: ['NHS number {} is on the referral.', 'Patient {} was seen today.', 'The NHS no. is {}.'],
  },
  VEHICLE_IDENTIFICATION_NUMBER: { make: vin },
  US_BANK_ROUTING_NUMBER: {
    make: routing,
    templates: ['Our routing number is {}.', 'ABA {} for the wire.', 'Use routing {} and the account below.'],
  },
  US_SOCIAL_SECURITY_NUMBER: { make: ssn },
  US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER: { make: itin },
  UK_NATIONAL_INSURANCE_NUMBER: { make: nino },
  CA_SOCIAL_INSURANCE_NUMBER: { make: caSin },
  EMAIL: { make: email },
  PHONE: { make: phone },
  IP_ADDRESS: { make: ip },
  MAC_ADDRESS: { make: mac },
  URL: { make: url },
  AWS_ACCESS_KEY: { make: awsAccess },
  AWS_SECRET_KEY: { make: awsSecret },
  PASSWORD: {
    make: password,
    templates: ['My password is {} for the portal.', 'password: {}', 'Login with pwd={} please.'],
    misses: [
      'The password reset link expired.',
      'A password is required for the portal.',
      'Passwords must be changed yearly.',
    ],
  },
};

export const EVALUATED_TYPES = Object.keys(TYPES);

/**
 * `perType` positives and `perType` near-misses of each type. Each sample: { text, truth: [{type, text}] }
 * (a near-miss has no truth: anything found in it is a false positive of the type found).
 */
export function buildEvalSet(perType, seed = 7) {
  const t = tools(seed);
  const samples = [];
  for (const [type, spec] of Object.entries(TYPES)) {
    for (let i = 0; i < perType; i++) {
      const entity = spec.make(t, true);
      const planted = plant(t, spec.templates ? t.pick(spec.templates) : undefined, entity);
      samples.push({ kind: 'positive', type, text: planted.text, truth: [{ type, text: entity }] });
    }
    for (let i = 0; i < perType; i++) {
      const miss = spec.misses
        ? t.pick(spec.misses)
        : plant(t, spec.templates ? t.pick(spec.templates) : undefined, spec.make(t, false)).text;
      samples.push({ kind: 'near-miss', type, text: miss, truth: [] });
    }
  }
  return samples;
}

/** A message of about `bytes` bytes: ordinary claim prose with a few entities planted in it. */
export function buildMessage(bytes, seed = 11) {
  const t = tools(seed);
  const prose = [
    'The policyholder reported water damage in the kitchen after a pipe burst overnight.',
    'The adjuster inspected the property on Tuesday and estimated the repair at 12,400 EUR.',
    'The policy excludes damage caused by gradual leaks, so the plumber report matters.',
    'Photos of the affected cabinets and floor were uploaded to the claim file.',
    'A temporary accommodation allowance was approved for three nights.',
  ];
  const entities = [
    () => `Contact ${email(t, true)} for questions.`,
    () => `Refund to card ${card(t, true)}.`,
    () => `Call back on ${phone(t, true)}.`,
    () => `IBAN on file: ${iban(t, true)}.`,
    () => `Logged from ${ip(t, true)}.`,
  ];
  let text = '';
  let i = 0;
  while (Buffer.byteLength(text) < bytes) {
    text += `${i % 4 === 3 ? entities[(i >> 2) % entities.length]() : prose[i % prose.length]} `;
    i++;
  }
  return text.slice(0, bytes);
}
