import {
  coderDisplayName,
  derivedNameParts,
  toScimUser,
  type ScimUserRow,
  type UserInput,
} from './scim-user.mapper.js';

const row = (over: Partial<ScimUserRow> = {}): ScimUserRow => ({
  id: '11111111-2222-3333-4444-555555555555',
  username: 'jdoe',
  email: 'jdoe@example.com',
  name: '',
  status: 'active',
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-01T00:00:00Z'),
  scimUserName: null,
  externalId: null,
  givenName: null,
  familyName: null,
  formattedName: null,
  emailType: null,
  scimUpdatedAt: null,
  ...over,
});

describe('derivedNameParts (name parts for users SCIM did not provision)', () => {
  it.each([
    ['', { givenName: 'jdoe', familyName: 'jdoe' }],
    ['   ', { givenName: 'jdoe', familyName: 'jdoe' }],
    ['Plato', { givenName: 'Plato', familyName: 'Plato' }],
    [' Plato ', { givenName: 'Plato', familyName: 'Plato' }],
    ['Ada Lovelace', { givenName: 'Ada', familyName: 'Lovelace' }],
    ['Grace Brewster Murray Hopper', { givenName: 'Grace Brewster Murray', familyName: 'Hopper' }],
    ['Jean  Dupont', { givenName: 'Jean', familyName: 'Dupont' }],
  ])('%j', (name, parts) => {
    expect(derivedNameParts(name, 'jdoe')).toEqual(parts);
  });
});

describe('toScimUser name', () => {
  it('always carries givenName and familyName, the provisioned ones first', () => {
    expect(toScimUser(row(), 'http://x/scim/v2').name).toEqual({ givenName: 'jdoe', familyName: 'jdoe' });
    expect(toScimUser(row({ name: 'Ada Lovelace', givenName: 'Augusta' }), 'http://x/scim/v2').name).toEqual({
      givenName: 'Augusta',
      familyName: 'Lovelace',
    });
    expect(
      toScimUser(row({ name: 'A B', givenName: 'G', familyName: 'F', formattedName: 'Dr G F' }), 'http://x/scim/v2')
        .name,
    ).toEqual({
      formatted: 'Dr G F',
      familyName: 'F',
      givenName: 'G',
    });
  });

  it('gives only the stored parts when asked not to derive (what a PATCH applies to)', () => {
    expect(toScimUser(row({ name: 'Ada Lovelace' }), 'http://x/scim/v2', undefined, false)).not.toHaveProperty('name');
    expect(toScimUser(row({ givenName: 'G' }), 'http://x/scim/v2', undefined, false).name).toEqual({ givenName: 'G' });
  });
});

describe('coderDisplayName', () => {
  const input = (over: Partial<UserInput>): UserInput => ({
    userName: 'u',
    externalId: null,
    givenName: 'Ada',
    familyName: 'Lovelace',
    formattedName: null,
    displayName: null,
    ...over,
  });

  it('create and PUT: displayName, else formatted, else given and family names', () => {
    expect(coderDisplayName(input({ displayName: 'Countess' }))).toBe('Countess');
    expect(coderDisplayName(input({ formattedName: 'Ada, Countess of Lovelace' }))).toBe('Ada, Countess of Lovelace');
    expect(coderDisplayName(input({}))).toBe('Ada Lovelace');
  });

  it('PATCH: displayName alone, so removing it leaves no name', () => {
    expect(coderDisplayName(input({ displayNameOnly: true }))).toBe('');
    expect(coderDisplayName(input({ displayNameOnly: true, displayName: 'Countess' }))).toBe('Countess');
  });
});
