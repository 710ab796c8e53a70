import {
  AvailableNumbersQuery,
  COUNTRIES,
  PLANS,
  type AvailableNumber,
  type CountryCode,
  type NumberType,
  type PhoneNumber,
} from '@commpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FileBadge, MapPin, PhoneCall, Search, Smartphone } from 'lucide-react';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf, isApiError, type ApiError } from '../../shared/api/errors';
import { focusFirstInvalid, validate, type FieldErrors } from '../../shared/forms/validate';
import { browserTimeZone } from '../../shared/i18n/format';
import { useI18n, useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Dialog } from '../../shared/ui/Dialog';
import { TextField } from '../../shared/ui/Field';
import { Page } from '../../shared/ui/Page';
import { Segmented } from '../../shared/ui/Segmented';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { useMe } from '../auth/auth-context';
import { UpgradeLink } from '../billing/UpgradeLink';
import { numbersApi, numbersKeys, type NumberSearchParams } from './api';
import { CapabilityChips } from './Capabilities';
import { Flag } from './Flag';
import { countryName, defaultCountry, formatCents, formatPhone, formatPrice, planLimitOf } from './format';
import type { NumbersLocationState } from './MyNumbersPage';
import './numbers.css';

interface SearchForm {
  countryCode: CountryCode;
  type: NumberType;
  areaCode: string;
  contains: string;
}

/** Buy Number (the seed's wireframe 6): country, type, area code, contains → offers with price → buy. */
export function BuyNumberPage() {
  const t = useT();
  const me = useMe().data;
  const formRef = useRef<HTMLFormElement>(null);
  const [form, setForm] = useState<SearchForm>(() => ({
    countryCode: defaultCountry(me?.timezone ?? browserTimeZone()),
    type: 'LOCAL',
    areaCode: '',
    contains: '',
  }));
  const [search, setSearch] = useState<NumberSearchParams>({ countryCode: form.countryCode, type: form.type });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [buying, setBuying] = useState<AvailableNumber | null>(null);
  const [taken, setTaken] = useState<string | null>(null);

  const results = useQuery({
    queryKey: numbersKeys.available(search),
    queryFn: () => numbersApi.available(search),
    staleTime: 30_000,
  });

  const runSearch = (values: SearchForm) => {
    const result = validate(
      AvailableNumbersQuery,
      {
        countryCode: values.countryCode,
        type: values.type,
        areaCode: values.areaCode.trim() || undefined,
        contains: values.contains.trim() || undefined,
      },
      t,
      { areaCode: t('numbers.buy.areaCodeInvalid'), contains: t('numbers.buy.containsInvalid') },
    );
    if (!result.ok) {
      setErrors(result.errors);
      focusFirstInvalid(formRef.current);
      return;
    }
    setErrors({});
    setTaken(null);
    const { countryCode, type = 'LOCAL', areaCode, contains } = result.data;
    setSearch({ countryCode, type, areaCode, contains });
  };

  const change = (patch: Partial<SearchForm>, now = false) => {
    const next = { ...form, ...patch };
    setForm(next);
    if (now) runSearch(next);
    else setErrors((current) => ({ ...current, ...Object.fromEntries(Object.keys(patch).map((k) => [k, undefined])) }));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (results.isSuccess && JSON.stringify(search) === JSON.stringify(paramsOf(form))) void results.refetch();
    runSearch(form);
  };

  // A search error naming a field (400 from the server) is shown on that field.
  const serverFieldErrors = results.isError ? fieldErrorsOf(results.error, t) : {};
  const offers = results.data?.numbers ?? [];

  return (
    <Page title={t('numbers.buy.title')} back={{ to: '/numbers', label: t('numbers.title') }}>
      <div className="buy">
        <form
          ref={formRef}
          className="buy__form card"
          onSubmit={onSubmit}
          noValidate
          aria-label={t('numbers.buy.title')}
        >
          <CountryPicker value={form.countryCode} onChange={(countryCode) => change({ countryCode }, true)} />
          <div className="buy__type">
            <p className="buy__label" aria-hidden>
              {t('numbers.buy.type')}
            </p>
            <Segmented<NumberType>
              legend={t('numbers.buy.type')}
              name="type"
              value={form.type}
              onChange={(type) => change({ type }, true)}
              options={[
                { value: 'LOCAL', label: t('numbers.type.LOCAL'), icon: <MapPin size={15} aria-hidden /> },
                { value: 'MOBILE', label: t('numbers.type.MOBILE'), icon: <Smartphone size={15} aria-hidden /> },
                { value: 'TOLL_FREE', label: t('numbers.type.TOLL_FREE'), icon: <PhoneCall size={15} aria-hidden /> },
              ]}
            />
          </div>
          <div className="form__row buy__filters">
            <TextField
              label={t('numbers.buy.areaCode')}
              optionalLabel={t('fields.optional')}
              name="areaCode"
              inputMode="numeric"
              autoComplete="off"
              maxLength={5}
              value={form.areaCode}
              onChange={(event) => change({ areaCode: event.target.value })}
              error={errors.areaCode ?? serverFieldErrors.areaCode}
              hint={t('numbers.buy.areaCodeHint')}
            />
            <TextField
              label={t('numbers.buy.contains')}
              optionalLabel={t('fields.optional')}
              name="contains"
              inputMode="numeric"
              autoComplete="off"
              maxLength={16}
              value={form.contains}
              onChange={(event) => change({ contains: event.target.value })}
              error={errors.contains ?? serverFieldErrors.contains}
              hint={t('numbers.buy.containsHint')}
            />
          </div>
          <div className="buy__submit">
            <Button type="submit" icon={<Search size={16} aria-hidden />} loading={results.isFetching}>
              {t('numbers.buy.search')}
            </Button>
          </div>
        </form>

        <section className="offers" aria-labelledby="offers-title" aria-busy={results.isFetching || undefined}>
          <header className="offers__header">
            <h2 className="offers__title" id="offers-title">
              {t('numbers.buy.results')}
            </h2>
            {results.isSuccess && (
              <span className="offers__count">
                {offers.length === 1 ? t('numbers.buy.countOne') : t('numbers.buy.count', { count: offers.length })}
              </span>
            )}
          </header>
          {taken && <Alert tone="warning">{t('numbers.buy.taken', { number: taken })}</Alert>}
          {results.isPending && <LoadingBlock label={t('common.loading')} />}
          {results.isError && Object.keys(serverFieldErrors).length === 0 && (
            <Alert tone="danger">{errorMessage(results.error, t)}</Alert>
          )}
          {results.isSuccess && offers.length === 0 && (
            <div className="offers__none">
              <p className="offers__none-title">{t('numbers.buy.noneTitle')}</p>
              <p className="muted">{t('numbers.buy.noneText')}</p>
            </div>
          )}
          {offers.length > 0 && (
            <ul className="offer-list" aria-label={t('numbers.buy.results')}>
              {offers.map((offer) => (
                <OfferRow key={offer.phoneNumber} offer={offer} onBuy={() => setBuying(offer)} />
              ))}
            </ul>
          )}
        </section>
      </div>
      {buying && (
        <BuyDialog
          offer={buying}
          onClose={() => setBuying(null)}
          onTaken={() => {
            setBuying(null);
            setTaken(formatPhone(buying.phoneNumber));
            void results.refetch();
          }}
        />
      )}
    </Page>
  );
}

function paramsOf(form: SearchForm): NumberSearchParams {
  return {
    countryCode: form.countryCode,
    type: form.type,
    areaCode: form.areaCode.trim() || undefined,
    contains: form.contains.trim() || undefined,
  };
}

/** The six countries as a radio group of flag tiles (few enough to show at once). */
function CountryPicker({ value, onChange }: { value: CountryCode; onChange: (code: CountryCode) => void }) {
  const { t, locale } = useI18n();
  const id = useId();
  return (
    <fieldset className="country-picker">
      <legend className="buy__label">{t('numbers.buy.country')}</legend>
      <div className="country-picker__grid">
        {COUNTRIES.map((code) => (
          <label key={code} className="country-picker__option" htmlFor={`${id}-${code}`}>
            <input
              type="radio"
              id={`${id}-${code}`}
              name="countryCode"
              value={code}
              checked={value === code}
              onChange={() => onChange(code)}
            />
            <span className="country-picker__face">
              <Flag code={code} size={28} />
              <span className="country-picker__name">{countryName(code, locale)}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function RequirementBadge({ offer }: { offer: AvailableNumber }) {
  const t = useT();
  if (offer.requirements === 'NONE') return null;
  return (
    <Badge tone="warning" icon={<FileBadge size={13} aria-hidden />}>
      {t(`numbers.buy.requires.${offer.requirements}`)}
    </Badge>
  );
}

function OfferRow({ offer, onBuy }: { offer: AvailableNumber; onBuy: () => void }) {
  const { t, locale } = useI18n();
  const formatted = formatPhone(offer.phoneNumber);
  return (
    <li className="offer" data-testid="offer">
      <Flag code={offer.countryCode} size={28} />
      <div className="offer__main">
        <p className="offer__number">{formatted}</p>
        <p className="offer__meta">
          {countryName(offer.countryCode, locale)} · {t(`numbers.type.${offer.type}`)}
        </p>
        <div className="offer__tags">
          <CapabilityChips capabilities={offer.capabilities} />
          <RequirementBadge offer={offer} />
        </div>
      </div>
      <div className="offer__buy">
        <p className="offer__price">
          <strong>{t('numbers.perMonth', { price: formatPrice(offer.monthlyCost, locale) })}</strong>
          {offer.setupCost > 0 && (
            <span>{t('numbers.buy.setup', { price: formatPrice(offer.setupCost, locale) })}</span>
          )}
        </p>
        <Button size="sm" onClick={onBuy} aria-label={t('numbers.buy.buyNamed', { number: formatted })}>
          {t('numbers.buy.buy')}
        </Button>
      </div>
    </li>
  );
}

function BuyDialog({ offer, onClose, onTaken }: { offer: AvailableNumber; onClose: () => void; onTaken: () => void }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const formatted = formatPhone(offer.phoneNumber);
  const monthly = formatPrice(offer.monthlyCost, locale);

  const purchase = useMutation({
    mutationFn: () => numbersApi.purchase({ phoneNumber: offer.phoneNumber, friendlyName: name.trim() || undefined }),
    onSuccess: (number) => {
      queryClient.setQueryData<PhoneNumber[]>(numbersKeys.mine, (list) => (list ? [...list, number] : list));
      void queryClient.invalidateQueries({ queryKey: numbersKeys.all });
      toast(t('numbers.buy.done', { number: formatted }));
      navigate('/numbers', { state: { highlight: number.id } satisfies NumbersLocationState });
    },
    onError: (error) => {
      if (isApiError(error, 'NUMBER_UNAVAILABLE') || (isApiError(error) && error.status === 409)) onTaken();
    },
  });

  const limitReached = isApiError(purchase.error) && purchase.error.status === 402 ? purchase.error : null;
  const fieldError = purchase.isError ? fieldErrorsOf(purchase.error, t).friendlyName : undefined;

  return (
    <Dialog
      title={t('numbers.buy.confirmTitle')}
      closeLabel={t('common.close')}
      onClose={() => {
        if (!purchase.isPending) onClose();
      }}
      footer={
        <>
          <Button variant="secondary" disabled={purchase.isPending} onClick={onClose}>
            {limitReached ? t('common.close') : t('common.cancel')}
          </Button>
          {!limitReached && (
            <Button form="buy-number-form" type="submit" loading={purchase.isPending}>
              {t('numbers.buy.confirm', { price: monthly })}
            </Button>
          )}
        </>
      }
    >
      <div className="buy-summary">
        <Flag code={offer.countryCode} size={36} />
        <div className="buy-summary__text">
          <p className="buy-summary__number">{formatted}</p>
          <p className="offer__meta">
            {countryName(offer.countryCode, locale)} · {t(`numbers.type.${offer.type}`)}
          </p>
          <CapabilityChips capabilities={offer.capabilities} />
        </div>
      </div>
      <p className="buy-summary__price">
        <strong>{t('numbers.buy.confirmPrice', { price: monthly })}</strong>
        <span>
          {offer.setupCost > 0
            ? t('numbers.buy.confirmSetup', { price: formatPrice(offer.setupCost, locale) })
            : t('numbers.buy.confirmFree')}
        </span>
      </p>
      {offer.requirements !== 'NONE' && (
        <Alert tone="info">
          {t(`numbers.buy.requiresText.${offer.requirements}`, { country: countryName(offer.countryCode, locale) })}
        </Alert>
      )}
      {limitReached ? (
        <PlanLimitNotice error={limitReached} onNavigate={onClose} />
      ) : (
        <>
          {purchase.isError && !fieldError && <Alert tone="danger">{errorMessage(purchase.error, t)}</Alert>}
          <form
            id="buy-number-form"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              purchase.mutate();
            }}
          >
            <TextField
              label={t('numbers.nameLabel')}
              optionalLabel={t('fields.optional')}
              name="friendlyName"
              maxLength={100}
              autoComplete="off"
              placeholder={t('numbers.namePlaceholder')}
              hint={t('numbers.nameHint')}
              value={name}
              error={fieldError}
              onChange={(event) => setName(event.target.value)}
            />
          </form>
        </>
      )}
    </Dialog>
  );
}

/**
 * The 402: which plan the person is on, what it allows and the plan that lifts
 * the limit, in their language (the server's English message when its limit
 * cannot be read), and what they can do now.
 */
function PlanLimitNotice({ error, onNavigate }: { error: ApiError; onNavigate: () => void }) {
  const { t, locale } = useI18n();
  const limit = planLimitOf(error.limit);
  let message = error.message;
  if (limit) {
    const current = t(`numbers.plan.${limit.current}`);
    message = limit.upgrade
      ? t(limit.included === 1 ? 'numbers.limit.one' : 'numbers.limit.many', {
          current,
          included: limit.included,
          plan: t(`numbers.plan.${limit.upgrade}`),
          max: PLANS[limit.upgrade].includedNumbers,
        })
      : t('numbers.limit.top', { current, included: limit.included });
  }
  return (
    <Alert tone="warning" title={t('numbers.buy.limitTitle')}>
      <p data-testid="plan-limit-message">{message}</p>
      <p className="plan-hint">
        {limit?.upgrade
          ? t('numbers.buy.upgrade', {
              plan: t(`numbers.plan.${limit.upgrade}`),
              price: formatCents(PLANS[limit.upgrade].monthlyPriceCents, locale),
            })
          : t('numbers.buy.upgradeAny')}{' '}
        <Link to="/numbers" onClick={onNavigate}>
          {t('numbers.buy.toMyNumbers')}
        </Link>
      </p>
      <UpgradeLink onNavigate={onNavigate} />
    </Alert>
  );
}
