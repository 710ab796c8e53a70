import { ChevronRight, Plus, TriangleAlert } from 'lucide-react';
import { Link } from 'react-router';
import { useI18n } from '../../shared/i18n/i18n';
import { Flag } from './Flag';
import { formatDate, formatPhone } from './format';
import type { NumbersLocationState } from './MyNumbersPage';
import { useMyNumbers } from './use-numbers';
import './numbers.css';

const FROM_DASHBOARD: NumbersLocationState = { from: '/messages' };

/**
 * "Your numbers" at the top of the landing tab (the seed's dashboard): the
 * numbers at a glance (one the plan no longer covers says until when it is
 * kept), or the way to a first number for someone who has none.
 */
export function NumbersStrip() {
  const { t, locale } = useI18n();
  const numbers = useMyNumbers();
  // Quiet while loading or failing: the Numbers screen reports errors.
  if (!numbers.isSuccess) return <div className="numbers-strip numbers-strip--placeholder" aria-hidden />;
  const list = numbers.data;

  if (list.length === 0) {
    return (
      <section className="numbers-cta" aria-labelledby="numbers-cta-title">
        <span className="numbers-cta__icon" aria-hidden>
          <span className="numbers-cta__hash">#</span>
        </span>
        <div className="numbers-cta__text">
          <h2 className="numbers-cta__title" id="numbers-cta-title">
            {t('numbers.strip.emptyTitle')}
          </h2>
          <p className="numbers-cta__body">{t('numbers.strip.emptyText')}</p>
        </div>
        <Link className="btn btn--primary numbers-cta__action" to="/numbers/buy">
          <Plus size={16} aria-hidden />
          <span className="btn__label">{t('numbers.getNumber')}</span>
        </Link>
      </section>
    );
  }

  return (
    <section className="numbers-strip" aria-labelledby="numbers-strip-title">
      <header className="numbers-strip__header">
        <h2 className="numbers-strip__title" id="numbers-strip-title">
          {t('numbers.strip.title')}
        </h2>
        <Link className="numbers-strip__manage" to="/numbers" state={FROM_DASHBOARD}>
          {t('numbers.strip.manage')}
          <ChevronRight size={16} aria-hidden />
        </Link>
      </header>
      <ul className="numbers-strip__list" aria-label={t('numbers.strip.title')}>
        {list.map((number) => (
          <li key={number.id}>
            <Link
              className={`number-pill${number.graceEndsAt ? ' number-pill--grace' : ''}`}
              to="/numbers"
              state={FROM_DASHBOARD}
            >
              <Flag code={number.countryCode} size={28} />
              <span className="number-pill__text">
                <span className="number-pill__number">{formatPhone(number.phoneNumber)}</span>
                {number.graceEndsAt ? (
                  <span className="number-pill__grace">
                    <TriangleAlert size={13} aria-hidden />
                    {t('numbers.grace.short', { date: formatDate(number.graceEndsAt, locale) })}
                  </span>
                ) : (
                  <span className={`number-pill__name${number.friendlyName ? '' : ' is-empty'}`}>
                    {number.friendlyName ?? t('numbers.unnamed')}
                  </span>
                )}
              </span>
            </Link>
          </li>
        ))}
        <li>
          <Link className="number-pill number-pill--add" to="/numbers/buy">
            <Plus size={18} aria-hidden />
            <span>{t('numbers.strip.add')}</span>
          </Link>
        </li>
      </ul>
    </section>
  );
}
