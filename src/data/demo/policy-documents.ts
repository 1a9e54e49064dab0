// The demo insurer's documents, written into the volume `demo.insurance.documents` for knowledge bases
// to index: policy wording and claims guidelines with concrete facts (limits, deadlines, authority
// levels) that retrieval questions can have known answers about. Each has a Bedrock-style sidecar
// `<file>.metadata.json` with its attributes.

export interface DemoDocument {
  /** Path inside the volume. */
  path: string;
  content: string;
  /** Bedrock's `metadataAttributes`, written to `<path>.metadata.json`. */
  metadata: Record<string, string | number | string[]>;
}

const AUTO_POLICY = `# Personal Auto Policy — Coverage Summary (form PA-2024)

This summary explains the coverages of the Lakeshore Mutual personal auto policy. The policy
declarations page shows which coverages you bought, your limits and your deductibles. Where this summary
and the policy form differ, the policy form governs.

## Part A — Liability
We pay damages for bodily injury or property damage for which an insured person becomes legally
responsible because of an auto accident. Standard limits are 50/100/50 (USD 50,000 per person,
100,000 per accident for bodily injury, 50,000 for property damage); higher limits up to 300/500/300 are
available. We also pay defense costs in addition to the limit.

## Part B — Medical Payments
Reasonable medical and funeral expenses for you and your passengers, up to USD 5,000 per person,
regardless of fault. Expenses must be incurred within three years of the accident.

## Part C — Uninsured / Underinsured Motorist
Pays what you are legally entitled to recover from an at-fault driver who has no insurance or too
little. Hit-and-run vehicles count as uninsured if the accident is reported to the police within 24
hours.

## Part D — Damage to Your Auto
- **Collision** pays for damage from hitting another vehicle or object, or from rolling over, minus the
  collision deductible (USD 250, 500 or 1,000).
- **Comprehensive** (other than collision) covers theft, vandalism, fire, hail, flood, falling objects
  and contact with animals such as deer, minus the comprehensive deductible.
- **Glass**: windshield repair (not replacement) is paid with no deductible. Replacement is subject to
  the comprehensive deductible and includes recalibration of driver-assistance cameras.
- We pay the lesser of the actual cash value or the cost of repair. A vehicle is a total loss when the
  repair cost exceeds 75% of its actual cash value.

## Rental Reimbursement
If you bought it, we pay up to USD 40 per day for a rental car, for at most 30 days, while your auto is
being repaired after a covered loss.

## Main exclusions
- Using the vehicle to carry people or deliver goods for a fee (ride-share, food or parcel delivery)
  unless the Transportation Network endorsement (PA-TNC) is attached.
- Intentional damage, racing, and wear and tear, freezing, mechanical or electrical breakdown.
- Vehicles not listed on the declarations page and driven regularly by you for more than 30 days.

## Reporting a claim
Report every accident promptly, and within 30 days at the latest. Theft must be reported to the police
within 24 hours of discovery. Do not admit fault at the scene.
`;

const HOME_POLICY = `# Homeowners Policy — Coverage Summary (form HO-3)

The HO-3 policy protects the dwelling on an "open perils" basis and personal property on a "named
perils" basis. Limits and deductibles are on your declarations page.

## Coverages
| Coverage | What it covers | Typical limit |
| --- | --- | --- |
| A — Dwelling | The house and attached structures | Chosen by you |
| B — Other Structures | Detached garage, fences, sheds | 10% of Coverage A |
| C — Personal Property | Contents, anywhere in the world | 50% of Coverage A |
| D — Loss of Use | Additional living expenses while the home is unlivable | 20% of Coverage A |
| E — Personal Liability | Injury or damage you cause to others | USD 300,000 |
| F — Medical Payments to Others | Guests' medical bills regardless of fault | USD 5,000 per person |

Special limits apply within Coverage C: jewelry, watches and furs USD 1,500 for theft; cash USD 200;
firearms USD 2,500 for theft. Schedule valuable items to insure them for more.

## Water damage
Sudden and accidental discharge of water from plumbing, heating, air-conditioning or a household
appliance is covered, including the cost of tearing out and replacing walls to reach the leak. Not
covered:
- continuous or repeated seepage or leakage over 14 days or more (gradual leaks);
- flood, surface water and water that backs up through sewers or drains, unless the Water Backup
  endorsement (HO-WB, limit USD 10,000) is attached — flood needs a separate flood policy;
- mold, fungus and rot, except up to USD 5,000 when it results from a covered water loss.
Frozen pipes are covered only if you maintained heat in the building or shut off and drained the water.

## Wind and hail
Covered. In the south region a separate hurricane deductible of 2% of Coverage A applies to losses from
a named storm. Roofs older than 15 years are settled at actual cash value for wind and hail damage.

## Loss settlement
Dwelling losses are paid at replacement cost once repairs are complete; until then we pay actual cash
value. Personal property is settled at actual cash value unless the Replacement Cost Contents
endorsement is attached.

## Your duties after a loss
Protect the property from further damage (emergency repairs and mitigation are reimbursed), make an
inventory of damaged property, keep receipts, and show us the damage before you discard it. File a
signed, sworn proof of loss within 60 days of our request.
`;

const COMMERCIAL_POLICY = `# Commercial Property and Renters — Coverage Notes

## Commercial property (form CP-10)
Covers buildings, business personal property and, if selected, business income for small businesses
(shops, offices, restaurants). Deductibles are USD 1,000, 2,500 or 5,000 per occurrence.

- **Business income** pays lost net income plus continuing expenses for up to 12 months after a
  covered loss, after a 72-hour waiting period.
- **Vandalism and glass**: covered, but vandalism is excluded when the building has been vacant for
  more than 60 consecutive days.
- **Equipment breakdown** requires the EB endorsement.
- **Spoilage** of refrigerated stock is covered up to USD 10,000 after a power outage of more than
  24 hours.

## Renters (form HO-4)
Covers a tenant's personal property against named perils (fire, theft, vandalism, water discharge,
windstorm), loss of use, and personal liability (USD 100,000 by default). The building itself is the
landlord's responsibility. Theft from a car is covered under renters, not under the auto policy.
Deductibles are USD 250 or 500.

## Umbrella (form PUP)
Adds USD 1 or 2 million of liability above the auto and home liability limits. It requires underlying
limits of at least 250/500/100 on auto and USD 300,000 on home. No deductible applies except for
claims not covered by the underlying policies (self-insured retention of USD 1,000).
`;

const CLAIMS_GUIDELINES = `# Claims Handling Guidelines (internal, version 7)

These guidelines apply to every adjuster, in every region. They set the minimum standard; state
regulations may be stricter and then prevail.

## 1. First notice of loss (FNOL)
- Contact the policyholder within **24 hours** of FNOL (one business day for commercial claims).
- Acknowledge the claim in writing within **10 days**.
- Confirm coverage: policy in force on the date of loss, vehicle or location listed, premium paid.
- Set an initial reserve within 3 business days; revisit it at every material change.

## 2. Investigation
- Inspect in person when the estimate exceeds USD 7,500, when there is an injury, or for any fire loss.
  Smaller property and auto claims may be desk-adjusted from photos and shop estimates.
- Take a recorded statement for every liability claim and every theft over USD 5,000.
- Request the police report for theft, vandalism, hit-and-run and any accident with injuries.
- Photograph everything before mitigation starts, if safe.

## 3. Settlement authority
| Role | Authority (per claim) |
| --- | --- |
| Adjuster | up to USD 10,000 |
| Senior adjuster | up to USD 25,000 |
| Claims supervisor | up to USD 75,000 |
| Regional claims manager | up to USD 250,000 |
| Home office claims committee | above USD 250,000 |

A claim above your authority is marked **under_review** and routed to the next level with your
recommendation.

## 4. Decision and payment
- Decide coverage within **30 days** of receiving the proof of loss; if you need more time, tell the
  policyholder in writing why and when they will hear from us (at most every 30 days).
- Pay undisputed amounts within **5 business days** of the decision. Do not hold an undisputed part of
  a claim hostage to a disputed part.
- Denials must quote the policy language relied on and explain the 60-day appeal right.

## 5. Subrogation and salvage
Identify subrogation at FNOL (another driver at fault, a defective product, a contractor). Notify the
other carrier within 30 days. Total-loss vehicles go to the salvage vendor; the salvage value is
deducted only if the policyholder keeps the vehicle.

## 6. Documentation
Every contact, decision and payment goes into the adjuster notes on the day it happens. Notes are
business records: factual, no opinions about the policyholder's character, no medical diagnoses beyond
what the records say, and no full dates of birth, bank details or Social Security numbers.

## 7. Closing
Close a file within 10 days after the final payment or denial. A reopened claim keeps its number.
`;

const FRAUD_GUIDE = `# Fraud Indicators and SIU Referral

Most claims are honest. Indicators are reasons to look closer, never proof. Never accuse a
policyholder; document facts and refer.

## Red flags
**Timing**
- The loss happened within 60 days of the policy start, or just before it was due to lapse.
- The loss is reported more than 14 days after it happened without a good reason.
- Coverage was increased shortly before the loss.

**Behaviour**
- Pressure for a quick cash settlement; reluctance to allow an inspection or a recorded statement.
- Unusual familiarity with claims procedures and insurance terms.
- The policyholder is hard to reach, or only reachable through an attorney or a public adjuster from
  the start.

**Documents and damage**
- Receipts or estimates that look altered, are out of sequence, or come from a vendor that cannot be
  found.
- Damage that does not match the described cause (e.g. old, rusted damage claimed as new hail).
- The same contractor, body shop or medical provider on several recent claims.
- Items claimed that are not visible in earlier photos or listing pictures.

## When to refer to the SIU
Refer a claim to the Special Investigations Unit when **two or more** red flags are present, or one
strong one (altered documents, staged accident). Use the SIU referral form within **2 business days**
of noticing the indicators, set the claim's fraud flag, and hold payment of the disputed part until the
SIU responds. The SIU answers within 10 business days.

## What not to do
Do not tell the policyholder about the referral. Do not delay undisputed payments (medical payments,
emergency mitigation) because of a referral. Do not deny a claim for suspected fraud without SIU
sign-off and the claims manager's approval.
`;

const REGIONAL_CAT = `# Catastrophe Response by Region

When a catastrophe (CAT) event is declared, the regional claims manager opens a CAT code, and every
claim from the event is tagged with it. CAT claims get a 48-hour contact target instead of 24 hours.

## North (MN, ND, WI)
- Main perils: winter storms, ice dams, frozen and burst pipes, spring hail.
- Ice-dam water damage is covered as sudden and accidental; removing the ice itself is covered up to
  USD 1,000 when it is needed to stop the leak.
- Frozen pipes: ask whether the heat was on; a vacant home without heat or drained pipes is excluded.

## South (GA, AL, MS, LA, SC)
- Main perils: hurricanes and tropical storms, wind-driven rain, flooding.
- The named-storm deductible (2% of Coverage A) applies from the time the National Hurricane Center
  issues a watch or warning until 72 hours after it ends.
- Flood is not covered by the homeowners policy; refer policyholders to their NFIP flood policy.
- Mobile CAT teams deploy to Savannah, New Orleans and Charleston.

## East (MA, RI, CT, NY, ME, VT)
- Main perils: nor'easters, wind, snow load on roofs, and theft in urban areas.
- Roof collapse from the weight of snow or ice is covered; inspect with an engineer when trusses are
  involved.

## West (CO, ID, UT, NV, WA, CA)
- Main perils: hail along the Front Range (Denver), wildfire, and wind.
- Hail: use the test-square method (10 x 10 ft); eight or more hits per square on a slope supports a
  slope replacement.
- Wildfire: additional living expenses start on the day of a mandatory evacuation order, for up to
  14 days, even if the home is not damaged.
`;

const PRIVACY = `# Customer Data and Privacy — Handling Rules

Customer records contain personal information: names, e-mail addresses, phone numbers, street
addresses and dates of birth. Access follows the principle of least privilege.

- **Adjusters** see the claims, policies and customers of their own region only. Contact details are
  masked in analytics and SQL tools; use the claims system's contact screen when you need to call a
  policyholder.
- **Analysts** see every region for reporting, with all personal columns masked.
- **Auditors** see everything, unmasked, and every access they make is logged.

Never copy personal information into e-mails, chat tools, spreadsheets on personal drives, or prompts
to AI assistants outside the governed platform. Answers produced by the claims assistant are generated
from governed data and respect the same masks and filters as the user asking.

Report a suspected data breach to the privacy office within 1 hour of discovering it. Customer requests
to access or delete their data are answered within 30 days.
`;

export const DEMO_DOCUMENTS: readonly DemoDocument[] = [
  {
    path: 'policies/auto-policy-coverage.md',
    content: AUTO_POLICY,
    metadata: { doc_type: 'policy_wording', product: 'auto', form: 'PA-2024', region: 'all', year: 2024 },
  },
  {
    path: 'policies/homeowners-policy-coverage.md',
    content: HOME_POLICY,
    metadata: { doc_type: 'policy_wording', product: 'home', form: 'HO-3', region: 'all', year: 2024 },
  },
  {
    path: 'policies/commercial-renters-umbrella.md',
    content: COMMERCIAL_POLICY,
    metadata: {
      doc_type: 'policy_wording',
      product: 'commercial_property',
      form: 'CP-10',
      region: 'all',
      year: 2024,
    },
  },
  {
    path: 'guidelines/claims-handling-guidelines.md',
    content: CLAIMS_GUIDELINES,
    metadata: { doc_type: 'guideline', topic: 'claims_handling', region: 'all', year: 2025 },
  },
  {
    path: 'guidelines/fraud-indicators-and-siu-referral.md',
    content: FRAUD_GUIDE,
    metadata: {
      doc_type: 'guideline',
      topic: 'fraud',
      region: 'all',
      year: 2025,
      allowed_groups: ['adjusters_north', 'adjusters_south', 'adjusters_east', 'adjusters_west', 'auditors'],
    },
  },
  {
    path: 'guidelines/catastrophe-response-by-region.md',
    content: REGIONAL_CAT,
    metadata: { doc_type: 'guideline', topic: 'catastrophe', region: 'all', year: 2025 },
  },
  {
    path: 'guidelines/customer-data-privacy.md',
    content: PRIVACY,
    metadata: { doc_type: 'guideline', topic: 'privacy', region: 'all', year: 2025 },
  },
];

/** The sidecar Bedrock knowledge bases read next to a document. */
export function sidecarOf(document: DemoDocument): { path: string; content: string } {
  return {
    path: `${document.path}.metadata.json`,
    content: `${JSON.stringify({ metadataAttributes: document.metadata }, null, 2)}\n`,
  };
}
