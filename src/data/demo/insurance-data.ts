// The demo insurer's rows: customers with PII across four regions, their policies, and claims with
// adjuster notes. Seeded and dated against a fixed day, so the same seed and scale give the same rows
// everywhere. Rows are plain JSON objects keyed by column name (dates as YYYY-MM-DD), ready for the
// table rows API.

import { type ClaimStatus, composeAdjusterNote, type LossType } from './adjuster-notes.js';
import { DAY_MS, dayOf, isoDay } from './calendar-days.js';
import {
  ADJUSTERS,
  CITIES,
  FIRST_NAMES,
  LAST_NAMES,
  REGIONS,
  type Region,
  STREET_NAMES,
  STREET_SUFFIXES,
} from './people-and-places.js';
import { SeededRandom } from './seeded-random.js';

export interface CustomerRow {
  customer_id: string;
  name: string;
  email: string;
  phone: string;
  address: string;
  city: string;
  state: string;
  postal_code: string;
  region: Region;
  date_of_birth: string;
  customer_since: string;
}

export interface PolicyRow {
  policy_id: string;
  customer_id: string;
  region: Region;
  policy_type: PolicyType;
  status: 'active' | 'expired' | 'cancelled';
  start_date: string;
  end_date: string;
  annual_premium: number;
  deductible: number;
  coverage_limit: number;
}

export interface ClaimRow {
  claim_id: string;
  policy_id: string;
  customer_id: string;
  region: Region;
  loss_type: LossType;
  loss_date: string;
  reported_date: string;
  status: ClaimStatus;
  claim_amount: number;
  approved_amount: number | null;
  adjuster: string;
  fraud_flag: boolean;
  adjuster_notes: string;
}

export interface InsuranceData {
  customers: CustomerRow[];
  policies: PolicyRow[];
  claims: ClaimRow[];
}

export interface GenerateOptions {
  seed?: number;
  /** 1 gives about a thousand customers and four thousand rows in all; rows grow linearly. */
  scale?: number;
}

export const DEFAULT_SEED = 20_260_401;
/** Everything is dated relative to this day, never to the clock. */
export const AS_OF = '2026-03-31';

export const POLICY_TYPES = ['auto', 'home', 'renters', 'commercial_property', 'umbrella'] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];

const CUSTOMERS_PER_SCALE = 1000;

const AS_OF_MS = Date.parse(`${AS_OF}T00:00:00Z`);

function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/** ASCII for e-mail addresses: accents dropped, apostrophes and spaces removed. */
function asciiName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z-]/g, '');
}

const PRODUCT: Record<
  PolicyType,
  { premium: [number, number]; deductibles: number[]; limits: number[]; losses: [LossType, number][] }
> = {
  auto: {
    premium: [780, 2600],
    deductibles: [250, 500, 1000],
    limits: [50_000, 100_000, 300_000],
    losses: [
      ['collision', 45],
      ['glass', 18],
      ['theft', 9],
      ['vandalism', 8],
      ['hail', 10],
      ['liability', 10],
    ],
  },
  home: {
    premium: [900, 4200],
    deductibles: [500, 1000, 2500],
    limits: [250_000, 400_000, 650_000, 900_000],
    losses: [
      ['water_damage', 34],
      ['wind', 18],
      ['hail', 15],
      ['fire', 8],
      ['theft', 10],
      ['liability', 8],
      ['vandalism', 7],
    ],
  },
  renters: {
    premium: [140, 420],
    deductibles: [250, 500],
    limits: [20_000, 40_000, 60_000],
    losses: [
      ['theft', 40],
      ['water_damage', 30],
      ['fire', 10],
      ['liability', 12],
      ['vandalism', 8],
    ],
  },
  commercial_property: {
    premium: [2400, 18_000],
    deductibles: [1000, 2500, 5000],
    limits: [500_000, 1_000_000, 2_500_000],
    losses: [
      ['water_damage', 22],
      ['fire', 14],
      ['wind', 16],
      ['vandalism', 18],
      ['theft', 14],
      ['liability', 16],
    ],
  },
  umbrella: {
    premium: [220, 650],
    deductibles: [0],
    limits: [1_000_000, 2_000_000],
    losses: [['liability', 1]],
  },
};

/** Typical claim size (median) and how widely it spreads, by loss type. */
const SEVERITY: Record<LossType, [number, number]> = {
  collision: [6500, 0.7],
  theft: [4200, 0.9],
  water_damage: [11_000, 0.8],
  fire: [38_000, 1.1],
  hail: [7800, 0.6],
  wind: [9500, 0.8],
  vandalism: [1900, 0.7],
  glass: [650, 0.4],
  liability: [18_000, 1.2],
};

/** The regions' weather and people differ a little: more hail in the west, water in the north. */
const REGIONAL_LOSS_WEIGHT: Record<Region, Partial<Record<LossType, number>>> = {
  north: { water_damage: 1.5, hail: 0.8 },
  south: { wind: 1.6, water_damage: 1.2 },
  east: { wind: 1.2, theft: 1.2 },
  west: { hail: 1.7, fire: 1.5 },
};

function makeCustomer(rng: SeededRandom, index: number): CustomerRow {
  const region = rng.pick(REGIONS);
  const place = rng.pick(CITIES[region]);
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const handle = rng.weighted<string>([
    [`${asciiName(first)}.${asciiName(last)}`, 4],
    [`${asciiName(first).charAt(0)}${asciiName(last)}`, 3],
    [`${asciiName(first)}${asciiName(last).charAt(0)}${rng.int(1, 99)}`, 2],
    [`${asciiName(last)}.${asciiName(first)}`, 1],
  ]);
  const domain = rng.weighted([
    ['example.com', 5],
    ['example.net', 3],
    ['example.org', 2],
    ['mail.example.com', 1],
  ] as const);
  const birth = AS_OF_MS - rng.int(19 * 365, 86 * 365) * DAY_MS;
  const since = AS_OF_MS - rng.int(30, 15 * 365) * DAY_MS;
  const unit = rng.chance(0.22) ? `, Apt ${rng.int(1, 24)}${rng.pick(['A', 'B', 'C', 'D'])}` : '';
  return {
    customer_id: `C${String(index + 1).padStart(6, '0')}`,
    name: `${first} ${last}`,
    email: `${handle}@${domain}`,
    phone: `(${place.areaCode}) 555-01${String(rng.int(0, 99)).padStart(2, '0')}`,
    address: `${rng.int(10, 9899)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}${unit}`,
    city: place.city,
    state: place.state,
    postal_code: `${place.zipPrefix}${String(rng.int(1, 99)).padStart(2, '0')}`,
    region,
    date_of_birth: isoDay(birth),
    customer_since: isoDay(since),
  };
}

function makePolicy(rng: SeededRandom, customer: CustomerRow, index: number): PolicyRow {
  const type = rng.weighted<PolicyType>([
    ['auto', 45],
    ['home', 28],
    ['renters', 14],
    ['commercial_property', 7],
    ['umbrella', 6],
  ]);
  const product = PRODUCT[type];
  const earliest = Math.max(dayOf(customer.customer_since), AS_OF_MS - 6 * 365 * DAY_MS);
  const start = earliest + rng.int(0, Math.max(0, Math.floor((AS_OF_MS - earliest) / DAY_MS))) * DAY_MS;
  const termMonths = type === 'auto' && rng.chance(0.4) ? 6 : 12;
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + termMonths);
  const cancelled = rng.chance(0.05);
  const status = cancelled ? 'cancelled' : end.getTime() > AS_OF_MS ? 'active' : 'expired';
  const premium = product.premium[0] + rng.next() * (product.premium[1] - product.premium[0]);
  const year = new Date(start).getUTCFullYear();
  return {
    policy_id: `P-${year}-${String(index + 1).padStart(6, '0')}`,
    customer_id: customer.customer_id,
    region: customer.region,
    policy_type: type,
    status,
    start_date: isoDay(start),
    end_date: isoDay(end.getTime()),
    annual_premium: cents(termMonths === 6 ? premium / 2 : premium),
    deductible: rng.pick(product.deductibles),
    coverage_limit: rng.pick(product.limits),
  };
}

function claimStatus(rng: SeededRandom, ageDays: number, fraud: boolean): ClaimStatus {
  if (fraud) {
    return rng.weighted<ClaimStatus>([
      ['under_review', 5],
      ['denied', 3],
      ['open', 2],
    ]);
  }
  if (ageDays < 20)
    return rng.weighted<ClaimStatus>([
      ['open', 7],
      ['under_review', 3],
    ]);
  if (ageDays < 60) {
    return rng.weighted<ClaimStatus>([
      ['open', 2],
      ['under_review', 3],
      ['approved', 3],
      ['paid', 3],
      ['denied', 1],
    ]);
  }
  return rng.weighted<ClaimStatus>([
    ['paid', 12],
    ['denied', 2],
    ['closed', 2],
    ['approved', 1],
  ]);
}

function makeClaim(
  rng: SeededRandom,
  policy: PolicyRow,
  customer: CustomerRow,
  index: number,
): ClaimRow | undefined {
  const start = dayOf(policy.start_date);
  const last = Math.min(dayOf(policy.end_date), AS_OF_MS - DAY_MS);
  if (last <= start) return undefined;
  const weights = PRODUCT[policy.policy_type].losses.map(
    ([loss, weight]) =>
      [loss, weight * (REGIONAL_LOSS_WEIGHT[policy.region][loss] ?? 1)] as [LossType, number],
  );
  const lossType = rng.weighted(weights);
  const loss = start + rng.int(0, Math.floor((last - start) / DAY_MS)) * DAY_MS;
  const fraud = rng.chance(0.06);
  const delay =
    fraud && rng.chance(0.5)
      ? rng.int(20, 45)
      : rng.weighted([
          [0, 3],
          [rng.int(1, 4), 5],
          [rng.int(5, 14), 2],
        ]);
  const reported = Math.min(loss + delay * DAY_MS, AS_OF_MS);
  const [median, spread] = SEVERITY[lossType];
  const limit = policy.coverage_limit;
  const claimAmount = cents(Math.min(Math.max(150, rng.logNormal(median, spread)), limit));
  const status = claimStatus(rng, (AS_OF_MS - reported) / DAY_MS, fraud);
  const approved =
    status === 'paid' || status === 'approved'
      ? cents(Math.max(0, claimAmount * (0.7 + rng.next() * 0.3) - policy.deductible))
      : status === 'denied' || status === 'closed'
        ? 0
        : null;
  const adjuster = rng.pick(ADJUSTERS[policy.region]);
  const reportedDate = isoDay(reported);
  const lossDate = isoDay(loss);
  return {
    claim_id: `CLM-${lossDate.slice(0, 4)}-${String(index + 1).padStart(6, '0')}`,
    policy_id: policy.policy_id,
    customer_id: policy.customer_id,
    region: policy.region,
    loss_type: lossType,
    loss_date: lossDate,
    reported_date: reportedDate,
    status,
    claim_amount: claimAmount,
    approved_amount: approved,
    adjuster,
    fraud_flag: fraud,
    adjuster_notes: composeAdjusterNote(rng, {
      lossType,
      policyType: policy.policy_type,
      status,
      lossDate,
      reportedDate,
      claimAmount,
      approvedAmount: approved,
      deductible: policy.deductible,
      city: customer.city,
      adjuster,
      fraudFlag: fraud,
      reportDelayDays: Math.round((reported - loss) / DAY_MS),
      daysIntoPolicy: Math.round((loss - start) / DAY_MS),
    }),
  };
}

/** The whole demo data set for a seed and scale. */
export function generateInsuranceData(options: GenerateOptions = {}): InsuranceData {
  const scale = options.scale ?? 1;
  if (!(scale > 0) || scale > 10_000) throw new RangeError('scale must be above 0 and at most 10000.');
  const rng = new SeededRandom(options.seed ?? DEFAULT_SEED);
  const customerCount = Math.max(10, Math.round(CUSTOMERS_PER_SCALE * scale));
  const customers: CustomerRow[] = [];
  const policies: PolicyRow[] = [];
  const claims: ClaimRow[] = [];
  for (let i = 0; i < customerCount; i++) customers.push(makeCustomer(rng, i));
  for (const customer of customers) {
    const count = rng.weighted([
      [1, 55],
      [2, 30],
      [3, 15],
    ]);
    for (let p = 0; p < count; p++) {
      const policy = makePolicy(rng, customer, policies.length);
      policies.push(policy);
      // Most policies never claim; some claim more than once.
      const claimCount = rng.weighted([
        [0, 42],
        [1, 38],
        [2, 14],
        [3, 6],
      ]);
      for (let c = 0; c < claimCount; c++) {
        const claim = makeClaim(rng, policy, customer, claims.length);
        if (claim) claims.push(claim);
      }
    }
  }
  return { customers, policies, claims };
}
