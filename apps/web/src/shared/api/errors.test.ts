import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/i18n';
import { ApiError, fieldErrorsOf } from './errors';

const refused = new ApiError({
  status: 400,
  code: 'VALIDATION_FAILED',
  message: 'This password is one of the most commonly used; choose another',
  details: [
    {
      field: 'password',
      code: 'PASSWORD_COMMON',
      message: 'This password is one of the most commonly used; choose another',
    },
    { field: 'password', message: 'a second message for the same field' },
    { field: 'email', code: 'SOMETHING_NEW', message: 'Server wording for a reason this client does not know' },
  ],
});

describe('fieldErrorsOf', () => {
  it('says a known reason in the user’s language', () => {
    const fr = fieldErrorsOf(refused, (key, params) => translate('fr', key, params));
    expect(fr.password).toBe(translate('fr', 'errors.detail.PASSWORD_COMMON'));
    expect(fr.password).toMatch(/plus utilisés/);
  });

  it('falls back to the server’s message for a reason it does not know, and keeps the first per field', () => {
    const fields = fieldErrorsOf(refused, (key, params) => translate('en', key, params));
    expect(fields.email).toBe('Server wording for a reason this client does not know');
    expect(Object.keys(fields)).toEqual(['password', 'email']);
  });

  it('uses the server’s messages when no translator is given, and nothing for other errors', () => {
    expect(fieldErrorsOf(refused).password).toBe('This password is one of the most commonly used; choose another');
    expect(fieldErrorsOf(new Error('boom'))).toEqual({});
  });
});
