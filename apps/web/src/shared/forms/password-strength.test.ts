import { describe, expect, it } from 'vitest';
import { passwordStrength } from './password-strength';

describe('passwordStrength', () => {
  it('rates short passwords 0 and common or repetitive ones weak', () => {
    expect(passwordStrength('Ab1!')).toBe(0);
    expect(passwordStrength('password123')).toBe(1);
    expect(passwordStrength('aaaaaaaaaaaa')).toBe(1);
    expect(passwordStrength('1234567890ab')).toBe(1);
  });

  it('rates long, varied passwords strong', () => {
    expect(passwordStrength('Blue-Harbor-Lantern-42')).toBe(4);
    expect(passwordStrength('harborlantern')).toBeLessThan(passwordStrength('Harbor-Lantern-42'));
  });
});
