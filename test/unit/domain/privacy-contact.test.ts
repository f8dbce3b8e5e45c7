// How a citizen's contact is compared (data requests by contact) and pseudonymised (the export):
// one Vietnamese phone number written in the usual ways is one contact; nothing else changes.
import { describe, expect, it } from 'vitest';
import { citizenPseudonym, normaliseContact } from '../../../src/domain/privacy.ts';

const PHONE = '0912345678';

describe('normaliseContact: Vietnamese phone numbers', () => {
  it.each([
    // The review's five forms of one number.
    '+84 (0)912 345 678',
    '0084 912 345 678',
    '0912.345.678',
    '0912 345 678 (Zalo)',
    'ĐT: 0912345678',
    // Country codes, with or without the (0) or 0 after them.
    '+84 912-345-678',
    '+84912345678',
    '+84 0912 345 678',
    '+84(0)912345678',
    '(+84) 912 345 678',
    '0084 (0) 912 345 678',
    '0084912345678',
    '84 912 345 678',
    '(84) 912.345.678',
    '84 (0) 912 345 678',
    // Separators.
    ' 0912 345 678 ',
    '0912-345-678',
    '(0912) 345 678',
    // Labels before the number, any case, with or without diacritics.
    'ĐT 0912 345 678',
    'đt:0912.345.678',
    'DT: 0912345678',
    'SĐT 0912 345 678',
    'SĐT0912345678',
    'sdt: +84 912 345 678',
    'Số ĐT: 0912345678',
    'Điện thoại: 0912 345 678',
    'ĐIỆN THOẠI 0912-345-678',
    'dien thoai: 0912345678',
    'Số điện thoại: 0084 912 345 678',
    'Tel: 0912345678',
    'TEL.: (+84) 912 345 678',
    'tel 0912 345 678',
    'ĐT/Zalo: 0912 345 678',
    // NFD input (as some keyboards send it).
    'Điện thoại: 0912 345 678'.normalize('NFD'),
    // Notes after the number.
    '0912 345 678 (zalo)',
    '0912345678 (Zalo, gọi sau 17h)',
    'ĐT: +84 (0)912 345 678 (Zalo)',
    '0912 345 678 - gọi buổi tối',
    '0912345678, Zalo',
  ])('reads %j as the one number', (written) => {
    expect(normaliseContact(written)).toBe(PHONE);
  });

  it('reads landlines the same way (11 digits with the area code)', () => {
    for (const written of ['024 3825 1234', '(024) 3825.1234', '+84 24 3825 1234', '+84 (0)24 3825 1234', '84 24 3825 1234', 'ĐT: 024-3825-1234 (cơ quan)']) {
      expect(normaliseContact(written), written).toBe('02438251234');
    }
  });

  it('keeps other numbers as their digits, as before', () => {
    expect(normaliseContact('+1 555 123 4567')).toBe('15551234567');
    expect(normaliseContact('1900 1234')).toBe('19001234');
  });
});

describe('normaliseContact: e-mail addresses and other text', () => {
  it('lowercases e-mail addresses and drops their spaces, whatever they hold', () => {
    expect(normaliseContact('  Lan.Nguyen@Example.VN ')).toBe('lan.nguyen@example.vn');
    expect(normaliseContact('Lan.Nguyen @ Example.VN')).toBe('lan.nguyen@example.vn');
    expect(normaliseContact('0912345678@example.vn')).toBe('0912345678@example.vn');
    expect(normaliseContact('ĐT: 0912345678@zalo.me')).toBe('đt:0912345678@zalo.me');
  });

  it('compares anything else as text, lowercased with spaces collapsed', () => {
    expect(normaliseContact('  Tổ dân phố  5 ')).toBe('tổ dân phố 5');
    expect(normaliseContact('Anh Nam 0912345678')).toBe('anh nam 0912345678');
    expect(normaliseContact('Nguyễn Văn A (0912345678)')).toBe('nguyễn văn a (0912345678)');
    // Two numbers are not one of them.
    expect(normaliseContact('ĐT: 0912345678 / 0987654321')).toBe('đt: 0912345678 / 0987654321');
    expect(normaliseContact('0912345678 hoặc 0987654321')).toBe('0912345678 hoặc 0987654321');
    // Letters run into the digits, or a word that only starts like a label.
    expect(normaliseContact('0912345678zalo')).toBe('0912345678zalo');
    expect(normaliseContact('Dtx 0912345678')).toBe('dtx 0912345678');
    expect(normaliseContact('ĐT:')).toBe('đt:');
    expect(normaliseContact('')).toBe('');
  });
});

describe('normaliseContact: a part of a number never equals the whole', () => {
  it.each(['345 678', '345678', '912 345 678', '912345678', '0912 345', '091234567', '09123456789', 'ĐT: 345 678', 'ĐT: 912 345 678', '+84 912 345', '84 912 345 67'])(
    '%j is not 0912345678',
    (partial) => {
      expect(normaliseContact(partial)).not.toBe(PHONE);
    },
  );

  it('does not read a short labelled number as a phone number', () => {
    expect(normaliseContact('ĐT: 345 678')).toBe('đt: 345 678');
  });
});

describe('citizenPseudonym', () => {
  it('gives every way of writing one number one pseudonym, and another number another', () => {
    const secret = 's'.repeat(64);
    const forms = ['+84 (0)912 345 678', '0084 912 345 678', '0912.345.678', '0912 345 678 (Zalo)', 'ĐT: 0912345678'];
    const pseudonyms = new Set(forms.map((contact) => citizenPseudonym(secret, { name: null, contact })));
    expect(pseudonyms.size).toBe(1);
    expect([...pseudonyms][0]).toMatch(/^CIT-[0-9A-F]{8}$/);
    expect(citizenPseudonym(secret, { name: null, contact: 'ĐT: 0912 345 679' })).not.toBe([...pseudonyms][0]);
  });
});
