import { FriendlyName, type NumberStatus, type PhoneNumber } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Pencil, Plus, Trash2, TriangleAlert } from 'lucide-react';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { z } from 'zod';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf } from '../../shared/api/errors';
import { focusFirstInvalid, validate } from '../../shared/forms/validate';
import { useI18n, useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Dialog } from '../../shared/ui/Dialog';
import { EmptyState } from '../../shared/ui/EmptyState';
import { TextField } from '../../shared/ui/Field';
import { NumbersIllustration } from '../../shared/ui/illustrations';
import { Page } from '../../shared/ui/Page';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { UpgradeLink } from '../billing/UpgradeLink';
import { numbersApi, numbersKeys } from './api';
import { CapabilityChips } from './Capabilities';
import { Flag } from './Flag';
import { countryName, formatDate, formatPhone, formatPrice } from './format';
import { PortRequestCard } from './PortRequestCard';
import { useMyNumbers } from './use-numbers';
import './numbers.css';

const STATUS_TONES: Record<NumberStatus, 'success' | 'warning' | 'danger' | 'neutral'> = {
  ACTIVE: 'success',
  PENDING: 'warning',
  SUSPENDED: 'danger',
  CANCELLED: 'neutral',
};

export interface NumbersLocationState {
  /** Where the person came from, for the back link. */
  from?: string;
  /** The number just bought, to point it out. */
  highlight?: string;
}

/**
 * My Numbers: every number with what it can do and costs, renamed inline or
 * released after a confirmation; one the plan no longer covers says until when it is kept.
 */
export function MyNumbersPage() {
  const t = useT();
  const state = (useLocation().state ?? {}) as NumbersLocationState;
  const numbers = useMyNumbers();
  const [releasing, setReleasing] = useState<PhoneNumber | null>(null);
  const list = numbers.data ?? [];

  return (
    <Page
      title={t('numbers.title')}
      back={
        state.from === '/messages'
          ? { to: '/messages', label: t('nav.messages') }
          : { to: '/settings', label: t('nav.settings') }
      }
      actions={
        list.length > 0 ? (
          <Link className="btn btn--primary btn--sm" to="/numbers/buy">
            <Plus size={16} aria-hidden />
            <span className="btn__label">{t('numbers.add')}</span>
          </Link>
        ) : undefined
      }
    >
      {numbers.isPending && <LoadingBlock label={t('common.loading')} />}
      {numbers.isError && <Alert tone="danger">{errorMessage(numbers.error, t)}</Alert>}
      {numbers.isSuccess && list.length === 0 && (
        <EmptyState
          illustration={<NumbersIllustration />}
          title={t('numbers.empty.title')}
          text={t('numbers.empty.text')}
        >
          <Link className="btn btn--primary btn--lg" to="/numbers/buy">
            <Plus size={18} aria-hidden />
            <span className="btn__label">{t('numbers.getFirst')}</span>
          </Link>
        </EmptyState>
      )}
      {list.length > 0 && (
        <ul className="number-list" aria-label={t('numbers.list')}>
          {list.map((number) => (
            <NumberCard
              key={number.id}
              number={number}
              highlighted={number.id === state.highlight}
              onRelease={() => setReleasing(number)}
            />
          ))}
        </ul>
      )}
      {numbers.isSuccess && <PortRequestCard />}
      {releasing && <ReleaseDialog number={releasing} onClose={() => setReleasing(null)} />}
    </Page>
  );
}

function NumberCard({
  number,
  highlighted,
  onRelease,
}: {
  number: PhoneNumber;
  highlighted: boolean;
  onRelease: () => void;
}) {
  const { t, locale } = useI18n();
  const [editing, setEditing] = useState(false);
  const formatted = formatPhone(number.phoneNumber);
  const titleId = useId();
  return (
    <li
      className={`number-card${highlighted ? ' number-card--new' : ''}`}
      aria-labelledby={titleId}
      data-testid="number-card"
    >
      <div className="number-card__top">
        <Flag code={number.countryCode} size={32} />
        <div className="number-card__id">
          <p className="number-card__number" id={titleId}>
            {formatted}
          </p>
          {!editing && (
            <p className={`number-card__name${number.friendlyName ? '' : ' is-empty'}`}>
              {number.friendlyName ?? t('numbers.unnamed')}
            </p>
          )}
        </div>
        {number.graceEndsAt ? (
          <Badge tone="warning">{t('numbers.grace.badge')}</Badge>
        ) : (
          <Badge tone={STATUS_TONES[number.status]}>{t(`numbers.status.${number.status}`)}</Badge>
        )}
      </div>
      {number.graceEndsAt && <GraceNotice graceEndsAt={number.graceEndsAt} />}
      {editing ? (
        <RenameForm number={number} onDone={() => setEditing(false)} />
      ) : (
        <>
          <p className="number-card__meta">
            {countryName(number.countryCode, locale)} · {t(`numbers.type.${number.numberType}`)}
          </p>
          <CapabilityChips capabilities={number.capabilities} />
          <div className="number-card__footer">
            <p className="number-card__price">
              {number.graceEndsAt ? (
                <>
                  <strong>{t('numbers.grace.price', { date: formatDate(number.graceEndsAt, locale) })}</strong>
                  <span>{t('numbers.purchased', { date: formatDate(number.purchasedAt, locale) })}</span>
                </>
              ) : (
                <>
                  <strong>{t('numbers.perMonth', { price: formatPrice(number.monthlyCost, locale) })}</strong>
                  <span>
                    {number.expiresAt
                      ? t('numbers.renews', { date: formatDate(number.expiresAt, locale) })
                      : t('numbers.purchased', { date: formatDate(number.purchasedAt, locale) })}
                  </span>
                </>
              )}
            </p>
            <div className="number-card__actions">
              <Button
                variant="ghost"
                size="sm"
                icon={<Pencil size={14} aria-hidden />}
                aria-label={t('numbers.renameNamed', { number: formatted })}
                onClick={() => setEditing(true)}
              >
                {t('numbers.rename')}
              </Button>
              <Button
                variant="danger-ghost"
                size="sm"
                icon={<Trash2 size={14} aria-hidden />}
                aria-label={t('numbers.releaseNamed', { number: formatted })}
                onClick={onRelease}
              >
                {t('numbers.release')}
              </Button>
            </div>
          </div>
        </>
      )}
    </li>
  );
}

/**
 * A number the plan no longer covers: it keeps receiving, free, until its
 * grace ends, then is released unless the plan covers it again.
 */
function GraceNotice({ graceEndsAt }: { graceEndsAt: string }) {
  const { t, locale } = useI18n();
  return (
    <div className="grace" data-testid="number-grace">
      <TriangleAlert className="grace__icon" size={18} aria-hidden />
      <div className="grace__body">
        <p className="grace__title">{t('numbers.grace.title', { date: formatDate(graceEndsAt, locale) })}</p>
        <p className="grace__text">{t('numbers.grace.text')}</p>
        <UpgradeLink />
      </div>
    </div>
  );
}

const RenameSchema = z.object({ friendlyName: FriendlyName.nullable() });

function RenameForm({ number, onDone }: { number: PhoneNumber; onDone: () => void }) {
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState(number.friendlyName ?? '');
  const [error, setError] = useState<string | undefined>();

  const rename = useMutation({
    mutationFn: (friendlyName: string | null) => numbersApi.rename(number.id, { friendlyName }),
    onSuccess: (updated) => {
      queryClient.setQueryData<PhoneNumber[]>(numbersKeys.mine, (list) =>
        list?.map((item) => (item.id === updated.id ? updated : item)),
      );
      void queryClient.invalidateQueries({ queryKey: numbersKeys.mine });
      toast(t('numbers.renamed'));
      onDone();
    },
    onError: (failure) => {
      setError(fieldErrorsOf(failure, t).friendlyName ?? errorMessage(failure, t));
      focusFirstInvalid(formRef.current);
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // An empty name clears it.
    const result = validate(RenameSchema, { friendlyName: name.trim() || null }, t);
    if (!result.ok) {
      setError(result.errors.friendlyName);
      focusFirstInvalid(formRef.current);
      return;
    }
    if (result.data.friendlyName === number.friendlyName) {
      onDone();
      return;
    }
    rename.mutate(result.data.friendlyName);
  };

  return (
    <form ref={formRef} className="rename-form" onSubmit={onSubmit} noValidate>
      <TextField
        label={t('numbers.nameLabel')}
        name="friendlyName"
        value={name}
        maxLength={100}
        autoFocus
        autoComplete="off"
        hint={t('numbers.nameHint')}
        error={error}
        onChange={(event) => {
          setName(event.target.value);
          setError(undefined);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onDone();
        }}
      />
      <div className="form__actions">
        <Button variant="ghost" size="sm" disabled={rename.isPending} onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" size="sm" loading={rename.isPending}>
          {t('common.save')}
        </Button>
      </div>
    </form>
  );
}

function ReleaseDialog({ number, onClose }: { number: PhoneNumber; onClose: () => void }) {
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const formatted = formatPhone(number.phoneNumber);
  const release = useMutation({
    mutationFn: () => numbersApi.release(number.id),
    onSuccess: () => {
      queryClient.setQueryData<PhoneNumber[]>(numbersKeys.mine, (list) =>
        list?.filter((item) => item.id !== number.id),
      );
      void queryClient.invalidateQueries({ queryKey: numbersKeys.all });
      toast(t('numbers.released', { number: formatted }));
      onClose();
    },
  });
  return (
    <Dialog
      title={t('numbers.releaseTitle', { number: formatted })}
      description={t('numbers.releaseText')}
      closeLabel={t('common.close')}
      onClose={() => {
        if (!release.isPending) onClose();
      }}
      footer={
        <>
          <Button variant="secondary" disabled={release.isPending} onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="danger" loading={release.isPending} onClick={() => release.mutate()}>
            {t('numbers.releaseConfirm')}
          </Button>
        </>
      }
    >
      {release.isError ? <Alert tone="danger">{errorMessage(release.error, t)}</Alert> : undefined}
    </Dialog>
  );
}
