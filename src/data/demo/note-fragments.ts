// The fragments adjuster notes are composed from: scenarios (what happened and the damage it does, to
// a vehicle or a property) by loss type, and what adjusters do, follow up on, deny for and flag.

import type { LossType } from './adjuster-notes.js';

export type Subject = 'vehicle' | 'property';

export interface Scenario {
  happened: string;
  damage: readonly string[];
}

export const SCENARIOS: Record<LossType, Partial<Record<Subject, readonly Scenario[]>>> = {
  collision: {
    vehicle: [
      {
        happened: 'PH was rear-ended while stopped at a light on {street}',
        damage: [
          'Rear bumper, trunk lid and both tail lamps need replacing.',
          'Rear bumper cover cracked; exhaust hanger bent.',
        ],
      },
      {
        happened: 'insured lost control on wet pavement and struck a guardrail',
        damage: [
          'Front end damage; airbags deployed. Possible total loss.',
          'Passenger side crushed from the A-pillar back.',
        ],
      },
      {
        happened: 'vehicle was side-swiped merging onto the interstate near {city}',
        damage: [
          'Driver side doors and quarter panel damaged; vehicle drivable.',
          'Mirror torn off, both doors creased.',
        ],
      },
      {
        happened: 'insured backed into a parked car in a grocery store lot',
        damage: [
          'Minor rear damage to both vehicles; no injuries.',
          'Tailgate dented; backup camera not working.',
        ],
      },
      {
        happened: 'PH was T-boned at an intersection; per PH the other driver ran a red',
        damage: [
          'Frame damage suspected; shop to put it on the rack.',
          'Both passenger doors pushed in; side curtain airbags deployed.',
        ],
      },
      {
        happened: 'PH hit a deer on a county road at dusk',
        damage: [
          'Hood, grille and radiator damaged; vehicle towed.',
          'Headlamp assembly and bumper broken; coolant leak.',
        ],
      },
    ],
  },
  theft: {
    vehicle: [
      {
        happened: 'vehicle was stolen from the driveway overnight',
        damage: [
          'Vehicle not yet recovered; police report filed.',
          'Vehicle recovered stripped two days later: wheels and seats gone.',
        ],
      },
      {
        happened: 'catalytic converter was cut from the vehicle in a workplace lot',
        damage: [
          'Converter replacement quoted with an OEM part.',
          'Exhaust and O2 sensor wiring also damaged.',
        ],
      },
    ],
    property: [
      {
        happened: 'the home was burglarized while the family was traveling; jewelry and a laptop taken',
        damage: [
          'Forced entry visible at the back door.',
          'PH provided a list of 11 items with approximate values.',
        ],
      },
      {
        happened: 'a bicycle and power tools were taken from the detached garage',
        damage: ['Garage side door pried open.', 'PH has photos of most tools but no receipts.'],
      },
      {
        happened: 'the shop was broken into after hours and the register and stock taken',
        damage: [
          'Front door lock drilled; alarm did not trigger.',
          'Inventory list from the POS system shows 38 items missing.',
        ],
      },
    ],
  },
  water_damage: {
    property: [
      {
        happened: 'a supply line under the kitchen sink failed while PH was at work',
        damage: [
          'Drywall and flooring affected in two rooms; moisture readings elevated.',
          'Cabinet bases delaminated; subfloor wet under the kitchen.',
        ],
      },
      {
        happened: 'the water heater leaked into the finished basement',
        damage: ['Carpet and pad unsalvageable; baseboards swollen.', 'Basement drywall wet to 18 inches.'],
      },
      {
        happened: 'an upstairs toilet overflowed overnight and came through the ceiling',
        damage: [
          'Ceiling stained and sagging in the dining room; no mold observed yet.',
          'Hardwood cupping in the hallway below.',
        ],
      },
      {
        happened: 'an ice dam caused water intrusion along the north wall',
        damage: [
          'Insulation soaked in the attic; interior paint bubbling.',
          'Two bedroom ceilings stained; window trim swollen.',
        ],
      },
      {
        happened: 'a frozen pipe burst in an exterior wall during the cold snap',
        damage: [
          'Wall opened to repair the pipe; laundry room flooded.',
          'Water ran for several hours; flooring in three rooms affected.',
        ],
      },
    ],
  },
  fire: {
    property: [
      {
        happened: 'a grease fire on the stove spread to the upper cabinets',
        damage: [
          'Kitchen a total loss; smoke damage to the living areas.',
          'Range hood and cabinets destroyed; heavy soot downstairs.',
        ],
      },
      {
        happened: 'an electrical fire started in the garage near the panel',
        damage: [
          'Garage contents destroyed; structure needs engineer review.',
          'Panel and wiring replaced; smoke damage in the mudroom.',
        ],
      },
      {
        happened: 'a dryer vent fire broke out; the fire department responded within minutes',
        damage: [
          'Laundry room gutted; smoke throughout the first floor.',
          'Contents cleaning required for the whole floor.',
        ],
      },
      {
        happened: 'a lightning strike started a small attic fire',
        damage: [
          'Roof decking charred around the strike point.',
          'Attic insulation and two rafters burned; water damage from suppression.',
        ],
      },
    ],
  },
  hail: {
    vehicle: [
      {
        happened: 'golf-ball-size hail dented the hood, roof and trunk lid',
        damage: [
          'PDR estimate for 40+ dents; sunroof glass to be replaced.',
          'Too many dents for PDR; roof skin replacement recommended.',
        ],
      },
      {
        happened: 'hail broke the rear windshield and pitted the paint',
        damage: ['Rear glass replaced; paint refinish on the hood and roof.'],
      },
    ],
    property: [
      {
        happened: 'a hailstorm damaged roof shingles, gutters and two skylights',
        damage: [
          'Roof has 12+ hits per test square on two slopes.',
          'Skylight lenses cracked; granule loss on the south slope.',
        ],
      },
      {
        happened: 'hail shredded the vinyl siding on the west elevation',
        damage: ['Siding cracked on two elevations; gutters dented.'],
      },
    ],
  },
  wind: {
    property: [
      {
        happened: 'high winds tore shingles off the south slope of the roof',
        damage: ['About 30% of shingles missing on one slope; temporary tarp installed.'],
      },
      {
        happened: 'a tree limb fell on the detached garage during the storm',
        damage: ['Garage roof trusses cracked; limb removed by a tree service.'],
      },
      {
        happened: 'wind took down the backyard fence and a section of soffit',
        damage: ['Fence sections down; soffit and fascia need replacing.'],
      },
    ],
  },
  vandalism: {
    vehicle: [
      {
        happened: 'the vehicle was keyed along both sides and two tires slashed',
        damage: ['Paint damage on every panel; tires replaced the same day.'],
      },
    ],
    property: [
      {
        happened: 'the storefront window was broken and graffiti sprayed on the entrance',
        damage: ['Plate glass window replaced; graffiti removal quoted separately.'],
      },
      {
        happened: 'the rental unit was trashed by a departing tenant',
        damage: ['Drywall holes, broken fixtures and stained carpet throughout.'],
      },
    ],
  },
  glass: {
    vehicle: [
      {
        happened: 'the windshield was cracked by road debris on the highway',
        damage: [
          'Windshield replacement with ADAS camera recalibration.',
          'Chip repaired; no replacement needed.',
        ],
      },
      {
        happened: 'a side window was smashed in an attempted break-in, nothing taken',
        damage: ['Side glass replaced; door trim undamaged.'],
      },
    ],
  },
  liability: {
    vehicle: [
      {
        happened: 'PH rear-ended another vehicle; the other driver claims neck and back injuries',
        damage: [
          'Claimant treated at urgent care; medical bills requested.',
          'Claimant retained counsel; letter of representation received.',
        ],
      },
    ],
    property: [
      {
        happened: 'a guest slipped on the icy front steps and fractured a wrist',
        damage: [
          'Claimant treated at the ER; medical bills requested.',
          'Claimant reports ongoing physical therapy.',
        ],
      },
      {
        happened: "the insured's dog bit a neighbor's child at the property line",
        damage: [
          'Child needed stitches; medical bills received.',
          'Claimant retained counsel; letter of representation received.',
        ],
      },
      {
        happened: "a customer fell on a wet floor in the insured's shop",
        damage: ['Claimant reports a knee injury; MRI scheduled.'],
      },
    ],
  },
};

export const VENDORS: Record<Subject, readonly string[]> = {
  vehicle: ["Mike's Collision Center", 'Precision Auto Body', 'Northside Body & Paint', 'AllStar Glass'],
  property: ['Restoration Pros', 'DryRight Water Mitigation', 'Keystone Roofing', 'BlueLine Contractors'],
};

export const ACTIONS: Record<Subject, readonly string[]> = {
  vehicle: [
    'Desk-adjusted from PH photos and the shop estimate.',
    'Vehicle inspected at the shop on {inspection}.',
    'Rental authorized for up to 10 days.',
    'Recorded statement taken from PH.',
    'Requested the police report.',
    'Explained the {deductible} deductible to PH by phone.',
    'Confirmed coverage: {policy} policy in force on the DOL.',
    'Independent appraiser assigned.',
  ],
  property: [
    'Inspected the property on {inspection}.',
    'Field inspection completed {inspection}; photos uploaded to the file.',
    'Mitigation vendor on site within 24 hours.',
    'Recorded statement taken from PH.',
    'Explained the {deductible} deductible to PH by phone.',
    'Confirmed coverage: {policy} policy in force on the DOL.',
    'Sent a reservation of rights letter pending coverage review.',
    'Independent adjuster assigned for the contents inventory.',
  ],
};

export const FOLLOW_UPS: Record<Subject, readonly string[]> = {
  vehicle: [
    'Supplement expected once the shop tears down the front end.',
    'Subrogation potential against the other driver’s carrier ({carrier}).',
    'Diary for 14 days to check on repairs.',
    'PH asked about the timeline; told them 30 days for a decision.',
  ],
  property: [
    "Awaiting the contractor's revised estimate.",
    'Need proof of ownership (receipts or photos) for the listed items.',
    'Follow up with PH next week re: receipts.',
    'Diary for 14 days to check on the drying logs.',
    'PH asked about the timeline; told them 30 days for a decision.',
  ],
};

export const DENIALS: Record<Subject, readonly string[]> = {
  vehicle: [
    'Denied: the vehicle was being used for ride-share deliveries, excluded without the PA-TNC endorsement.',
    'Denied: loss occurred after the policy lapsed for non-payment.',
    'Denied: the driver is an unlisted household member driving the car daily.',
  ],
  property: [
    'Denied: the damage results from long-term seepage and wear, excluded under the policy.',
    'Denied: loss occurred after the policy lapsed for non-payment.',
    'Denied: the building had been vacant for more than 60 days.',
  ],
};

export const FRAUD_SIGNS = [
  'PH pressing hard for a quick cash settlement and declined an inspection.',
  'Damage pattern inconsistent with the described cause.',
  'Receipts provided appear altered (font mismatch on totals).',
  'Prior similar claim on a different policy in 2023.',
  'Same shop/contractor on two other recent claims; estimate well above local pricing.',
];
