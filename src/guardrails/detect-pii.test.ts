import { describe, expect, it } from 'vitest';
import { abaRoutingValid, ibanValid, luhnValid, nhsNumberValid, ssnValid, vinValid } from './checksums.js';
import { detectPii } from './detect-pii.js';
import { PII_ENTITY_TYPES, type PiiEntityType } from './pii-types.js';

const ALL = new Set<PiiEntityType>(PII_ENTITY_TYPES);

function found(text: string, types: Iterable<PiiEntityType> = ALL): Array<[PiiEntityType, string]> {
  return detectPii(text, new Set(types)).map((s) => [s.type, text.slice(s.start, s.end)]);
}

describe('checksums', () => {
  it('accept known-good identifiers and reject one-digit changes', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
    expect(ibanValid('GB82WEST1234569876543')).toBe(false); // Too short for GB.
    expect(nhsNumberValid('9434765919')).toBe(true);
    expect(nhsNumberValid('9434765918')).toBe(false);
    expect(vinValid('1HGCM82633A004352')).toBe(true);
    expect(vinValid('1M8GDM9AXKP042788')).toBe(true);
    expect(vinValid('1HGCM82643A004352')).toBe(false);
    expect(abaRoutingValid('021000021')).toBe(true);
    expect(abaRoutingValid('021000022')).toBe(false);
    expect(abaRoutingValid('991000021')).toBe(false); // No such Federal Reserve prefix.
    expect(ssnValid('123', '45', '6789')).toBe(true);
    for (const [a, g, s] of [
      ['000', '12', '3456'],
      ['666', '12', '3456'],
      ['912', '12', '3456'],
      ['123', '00', '4567'],
      ['123', '45', '0000'],
    ] as const) {
      expect(ssnValid(a, g, s)).toBe(false);
    }
  });
});

describe('detectPii', () => {
  it('finds each pattern type in running text, without its keyword', () => {
    expect(found('Pay with 4111 1111 1111 1111 please.')).toEqual([
      ['CREDIT_DEBIT_CARD_NUMBER', '4111 1111 1111 1111'],
    ]);
    expect(found('Amex 3782-822463-10005 on file')).toEqual([
      ['CREDIT_DEBIT_CARD_NUMBER', '3782-822463-10005'],
    ]);
    expect(found('IBAN GB82 WEST 1234 5698 7654 32 AND more')).toEqual([
      ['INTERNATIONAL_BANK_ACCOUNT_NUMBER', 'GB82 WEST 1234 5698 7654 32'],
    ]);
    expect(found('Transfer to DE89370400440532013000.')).toEqual([
      ['INTERNATIONAL_BANK_ACCOUNT_NUMBER', 'DE89370400440532013000'],
    ]);
    expect(found('NHS number 9434765919 on the form')).toEqual([
      ['UK_NATIONAL_HEALTH_SERVICE_NUMBER', '9434765919'],
    ]);
    expect(found('Patient ID 943 476 5919')).toEqual([['UK_NATIONAL_HEALTH_SERVICE_NUMBER', '943 476 5919']]);
    expect(found('VIN 1HGCM82633A004352 was towed')).toEqual([
      ['VEHICLE_IDENTIFICATION_NUMBER', '1HGCM82633A004352'],
    ]);
    expect(found('Our routing number is 021000021.')).toEqual([['US_BANK_ROUTING_NUMBER', '021000021']]);
    expect(found('SSN 123-45-6789 and ITIN 912-78-1234')).toEqual([
      ['US_SOCIAL_SECURITY_NUMBER', '123-45-6789'],
      ['US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER', '912-78-1234'],
    ]);
    expect(found('NI number AB 12 34 56 C.')).toEqual([['UK_NATIONAL_INSURANCE_NUMBER', 'AB 12 34 56 C']]);
    expect(found('Mail jane.doe+claims@example.co.uk today')).toEqual([
      ['EMAIL', 'jane.doe+claims@example.co.uk'],
    ]);
    expect(found('See https://example.com/claims?id=7).')).toEqual([
      ['URL', 'https://example.com/claims?id=7'],
    ]);
    expect(found('hosts 192.168.1.10 and 2001:db8::ff00:42:8329.')).toEqual([
      ['IP_ADDRESS', '192.168.1.10'],
      ['IP_ADDRESS', '2001:db8::ff00:42:8329'],
    ]);
    expect(found('NIC 00:1A:2B:3C:4D:5E is up')).toEqual([['MAC_ADDRESS', '00:1A:2B:3C:4D:5E']]);
    expect(found('key AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toEqual([
      ['AWS_ACCESS_KEY', 'AKIAIOSFODNN7EXAMPLE'],
      ['AWS_SECRET_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ]);
    expect(found('Call (415) 555-0132 or +44 20 7946 0958.')).toEqual([
      ['PHONE', '(415) 555-0132'],
      ['PHONE', '+44 20 7946 0958'],
    ]);
    expect(found('my password is hunter2! and pwd: s3cr3t')).toEqual([
      ['PASSWORD', 'hunter2!'],
      ['PASSWORD', 's3cr3t'],
    ]);
  });

  it('rejects near-misses: the right shape with a failing checksum or validity rule', () => {
    const misses = [
      'Card 4111 1111 1111 1112 declined',
      'IBAN GB82 WEST 1234 5698 7654 33',
      'NHS number 9434765918',
      'VIN 1HGCM82643A004352',
      'routing number 021000022',
      'SSN 666-45-6789 and 123-00-6789',
      'NI number QQ 12 34 56 C',
      'version 1.2.3.400 and 999.1.1.1',
      'git 3f786850e387550fdab836ed7e6dc881de23001b',
      'the password is required',
      'order 4111111111111112 and ticket 20240315',
      // A Luhn-valid run of digit groups inside a (wrong) IBAN is not a card number.
      'IBAN ES12 3867 4858 5154 1812 2862 on file',
    ];
    for (const text of misses) expect(found(text), text).toEqual([]);
  });

  it('finds names with compromise, and ages and addresses by pattern', () => {
    const text = 'Claimant Maria Garcia, aged 42, lives at 221 Baker Street, London NW1 6XE.';
    expect(found(text, ['NAME', 'AGE', 'ADDRESS'])).toEqual([
      ['NAME', 'Maria Garcia'],
      ['AGE', 'aged 42'],
      ['ADDRESS', '221 Baker Street, London NW1 6XE'],
    ]);
  });

  it('finds names at the start of a sentence, after titles, and skips sentences that cannot hold one', () => {
    const text =
      'Maria called yesterday about the leak. The adjuster, John Smith, met Dr. Priya Patel on Tuesday. The pipe burst at night.';
    expect(found(text, ['NAME'])).toEqual([
      ['NAME', 'Maria'],
      ['NAME', 'John Smith'],
      ['NAME', 'Dr. Priya Patel'],
    ]);
  });

  it('looks only for the types asked for', () => {
    expect(found('a@b.io 4111111111111111', ['EMAIL'])).toEqual([['EMAIL', 'a@b.io']]);
    expect(found('a@b.io', [])).toEqual([]);
  });
});
