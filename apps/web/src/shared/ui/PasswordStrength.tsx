import { passwordStrength } from '../forms/password-strength';
import { useT } from '../i18n/i18n';

/** Four bars and a word under a new-password field. */
export function PasswordStrength({ password }: { password: string }) {
  const t = useT();
  const level = passwordStrength(password);
  const labels = [
    t('password.strength.tooShort'),
    t('password.strength.weak'),
    t('password.strength.fair'),
    t('password.strength.good'),
    t('password.strength.strong'),
  ] as const;
  if (!password) return <span>{t('password.hint')}</span>;
  return (
    <span className={`strength strength--${level}`}>
      <span className="strength__bars" aria-hidden>
        {[1, 2, 3, 4].map((bar) => (
          <span key={bar} className={`strength__bar${bar <= level ? ' is-on' : ''}`} />
        ))}
      </span>
      <span className="strength__label">
        {labels[level]}
        {level === 0 && ` · ${t('password.hint')}`}
      </span>
    </span>
  );
}
