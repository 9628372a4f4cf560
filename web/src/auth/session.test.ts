import { describe, expect, it } from 'vitest';
import { fakeToken } from '../test/render';
import { isAdmin, readClaims } from './session';

describe('reading the token', () => {
  it('reads the claims the JWT authorizer passes on', () => {
    const claims = readClaims(
      fakeToken('location_admin', 'user-lena', { 'custom:location_ids': 'north,south' }),
    );
    expect(claims).toMatchObject({
      sub: 'user-lena',
      orgId: 'org-test',
      role: 'location_admin',
      locationIds: ['north', 'south'],
    });
  });

  it('refuses expired, malformed or unknown-role tokens', () => {
    expect(readClaims(fakeToken('owner', 'x', { exp: '1' }))).toBeNull();
    expect(readClaims('not a token')).toBeNull();
    expect(readClaims(fakeToken('owner', 'x', { 'custom:role': 'superuser' }))).toBeNull();
  });

  it('knows who may change thresholds', () => {
    expect(isAdmin('owner')).toBe(true);
    expect(isAdmin('admin')).toBe(true);
    expect(isAdmin('location_admin')).toBe(false);
    expect(isAdmin('staff')).toBe(false);
  });
});
