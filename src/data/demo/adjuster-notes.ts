// Free-text adjuster notes that read like the real thing: composed from fragments about what happened,
// the damage, what the adjuster did, what is still open and — on some claims — what looked wrong, in
// the shorthand adjusters use (PH, FNOL, DOL, SIU). A note starts from a scenario (what happened and
// the damage it does, to a vehicle or to a property), so its parts agree with each other and with the
// claim (loss type, policy, amounts, dates, status); enough fragments and slots that two notes rarely
// match.

import { plusDays } from './calendar-days.js';
import {
  ACTIONS,
  DENIALS,
  FOLLOW_UPS,
  FRAUD_SIGNS,
  SCENARIOS,
  type Subject,
  VENDORS,
} from './note-fragments.js';
import { OTHER_CARRIERS } from './people-and-places.js';
import type { SeededRandom } from './seeded-random.js';

export const LOSS_TYPES = [
  'collision',
  'theft',
  'water_damage',
  'fire',
  'hail',
  'wind',
  'vandalism',
  'glass',
  'liability',
] as const;
export type LossType = (typeof LOSS_TYPES)[number];

export const CLAIM_STATUSES = ['open', 'under_review', 'approved', 'paid', 'denied', 'closed'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export interface NoteContext {
  lossType: LossType;
  policyType: string;
  status: ClaimStatus;
  lossDate: string;
  reportedDate: string;
  claimAmount: number;
  approvedAmount: number | null;
  deductible: number;
  city: string;
  adjuster: string;
  fraudFlag: boolean;
  /** Days between loss and report. */
  reportDelayDays: number;
  /** Days between policy start and loss. */
  daysIntoPolicy: number;
}

/** Whole dollars with thousands separators, as en-US writes them ($12,345). */
function usd(amount: number): string {
  return `$${String(Math.round(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? key);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function subjectOf(c: NoteContext): Subject {
  const available = SCENARIOS[c.lossType];
  const wanted: Subject = c.policyType === 'auto' ? 'vehicle' : 'property';
  return available[wanted] ? wanted : available.vehicle ? 'vehicle' : 'property';
}

function opening(rng: SeededRandom, c: NoteContext, happened: string): string {
  return rng.pick([
    `FNOL ${c.reportedDate}: ${happened}.`,
    `PH called on ${c.reportedDate} to report that ${happened} (DOL ${c.lossDate}).`,
    `${capitalize(happened)} on ${c.lossDate}; reported ${c.reportedDate} through the app.`,
    `Claim opened ${c.reportedDate}. Per PH, ${happened}.`,
    `Loss in ${c.city} on ${c.lossDate}: ${happened}.`,
  ]);
}

function closing(rng: SeededRandom, c: NoteContext, subject: Subject): string {
  const net = usd(c.approvedAmount ?? 0);
  const injury = c.lossType === 'liability';
  switch (c.status) {
    case 'paid':
      return rng.pick([
        injury
          ? `Settled with the claimant for ${net}; release signed. File closed.`
          : `Payment of ${net} issued after the ${usd(c.deductible)} deductible; file closed.`,
        injury
          ? `Paid ${net} in medical expenses and damages; file closed.`
          : `Settled at ${net} net of deductible.`,
        subject === 'vehicle' && !injury
          ? `Paid ${net} to the repair shop directly per PH's direction.`
          : `Final payment of ${net} issued; closing the file.`,
      ]);
    case 'approved':
      return `Approved ${net}; payment goes out once the signed proof of loss is back.`;
    case 'denied':
      return rng.pick(DENIALS[subject]);
    case 'closed':
      return c.claimAmount <= c.deductible
        ? 'PH withdrew the claim; the repair came in under the deductible. Closed without payment.'
        : rng.pick([
            'PH decided to pay for the repair privately. Closed without payment.',
            'Closed without payment at PH request.',
          ]);
    case 'under_review':
      return rng.pick([
        `Reserve set at ${usd(c.claimAmount)}; above my authority, sent to the supervisor for review.`,
        'Coverage under review; decision due within 30 days of the proof of loss.',
      ]);
    default:
      return rng.pick([
        `Reserve set at ${usd(c.claimAmount)}. Next step: confirm the scope.`,
        'Open. Waiting on documents before setting the final reserve.',
        `Initial reserve ${usd(c.claimAmount)}; will revisit after the inspection.`,
      ]);
  }
}

/** One claim's note, three to eight sentences, consistent with the claim. */
export function composeAdjusterNote(rng: SeededRandom, c: NoteContext): string {
  const subject = subjectOf(c);
  const scenario = rng.pick(SCENARIOS[c.lossType][subject]!);
  const values: Record<string, string> = {
    street: rng.pick(['Main St', '5th Ave', 'Route 9', 'Lake Rd', 'Broadway', 'Hwy 61']),
    city: c.city,
    inspection: plusDays(c.reportedDate, rng.int(1, 6)),
    deductible: usd(c.deductible),
    policy: c.policyType.replace('_', ' '),
    carrier: rng.pick(OTHER_CARRIERS),
  };
  const sentences = [opening(rng, c, fill(scenario.happened, values)), rng.pick(scenario.damage)];
  if (c.lossType === 'liability') {
    sentences.push(`Claimant demand is ${usd(c.claimAmount)}.`);
  } else if (rng.chance(0.6)) {
    sentences.push(`Estimate from ${rng.pick(VENDORS[subject])} came in at ${usd(c.claimAmount)}.`);
  }
  for (const action of rng.sample(ACTIONS[subject], rng.int(1, 2))) sentences.push(fill(action, values));
  if (c.fraudFlag) {
    const signs: string[] = [];
    if (c.reportDelayDays > 14) {
      signs.push(`Loss reported ${c.reportDelayDays} days after the DOL; PH vague about the timeline.`);
    }
    if (c.daysIntoPolicy <= 60) signs.push(`Policy incepted only ${c.daysIntoPolicy} days before the loss.`);
    signs.push(...rng.sample(FRAUD_SIGNS, signs.length > 0 ? 1 : 2));
    sentences.push(...signs.slice(0, 3));
    sentences.push(
      rng.pick(['Referred to SIU for review.', 'SIU referral submitted; holding the disputed payment.']),
    );
  } else if (c.status === 'open' || c.status === 'under_review' || c.status === 'approved') {
    if (rng.chance(0.8)) sentences.push(fill(rng.pick(FOLLOW_UPS[subject]), values));
  } else if (rng.chance(0.15)) {
    sentences.push('No red flags noted.');
  }
  sentences.push(closing(rng, c, subject));
  const note = sentences.join(' ');
  // Some adjusters sign their notes with initials.
  const [first, last] = c.adjuster.split(' ');
  return rng.chance(0.2) ? `${note} —${first!.charAt(0)}${last!.charAt(0)}` : note;
}
