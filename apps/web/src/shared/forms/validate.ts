import type { z } from 'zod';
import type { Translate } from '../i18n/i18n';

export type FieldErrors<K extends string = string> = Partial<Record<K, string>>;

export type ValidationResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/**
 * Checks form values with the shared contract schema and turns its issues into
 * messages in the person's language (the schemas' own messages are English).
 */
export function validate<S extends z.ZodType>(
  schema: S,
  values: Record<string, unknown>,
  t: Translate,
  overrides: FieldErrors = {},
): ValidationResult<z.infer<S>> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_');
    if (errors[field]) continue;
    const raw = values[field];
    if (typeof raw === 'string' && raw.trim() === '') {
      errors[field] = t('validation.required');
    } else if (overrides[field]) {
      errors[field] = overrides[field];
    } else {
      errors[field] = messageFor(issue, t);
    }
  }
  return { ok: false, errors };
}

function messageFor(issue: z.core.$ZodIssue, t: Translate): string {
  switch (issue.code) {
    case 'too_small':
      return t('validation.minLength', { min: Number(issue.minimum) });
    case 'too_big':
      return t('validation.maxLength', { max: Number(issue.maximum) });
    case 'invalid_format':
      return issue.format === 'email' ? t('validation.email') : t('validation.invalid');
    default:
      return t('validation.invalid');
  }
}

/** Moves focus to the first field marked invalid, after React has rendered the errors. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => {
    form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  });
}
