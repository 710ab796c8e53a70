import { planRank, type BillingInterval, type PlanTier, type Subscription } from '@commpro/contracts';
import type { Locale } from '../../shared/i18n/i18n';

/** "€15" for a whole amount, "€14.50" otherwise: plan prices read like price tags. */
export function formatPlanPrice(cents: number, locale: Locale): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'EUR',
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: whole ? 0 : 2,
  }).format(cents / 100);
}

/** A per-unit price in millicents: "€0.10", and "€0.015" when it is below a cent's precision. */
export function formatMillicents(millicents: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'EUR',
    minimumFractionDigits: 2,
    maximumFractionDigits: 3,
  }).format(millicents / 100_000);
}

/** VAT on an amount as the server adds it to an invoice: half up to the cent, in integers. */
export function vatOf(cents: number, ratePercent: number): number {
  const basisPoints = Math.round(ratePercent * 100);
  return Math.floor((cents * basisPoints + 5_000) / 10_000);
}

/** The plan whose limits apply now: an unpaid plan keeps them until its grace ends, a cancelled one is FREE. */
export function currentTier(subscription: Subscription, now: number = Date.now()): PlanTier {
  if (subscription.status === 'CANCELLED') return 'FREE';
  if (subscription.status === 'PAST_DUE' && subscription.pastDue) {
    return now < Date.parse(subscription.pastDue.limitsDropAt) ? subscription.tier : 'FREE';
  }
  return subscription.tier;
}

export type PlanAction = 'current' | 'upgrade' | 'downgrade' | 'switch';

/** What choosing `tier` billed `interval` would be for this subscription (FREE has no interval). */
export function planAction(
  tier: PlanTier,
  interval: BillingInterval,
  subscription: Subscription,
  now: number = Date.now(),
): PlanAction {
  const current = currentTier(subscription, now);
  if (tier === current) {
    return tier === 'FREE' || interval === subscription.interval ? 'current' : 'switch';
  }
  return planRank(tier) > planRank(current) ? 'upgrade' : 'downgrade';
}

const DAY_MS = 86_400_000;

/**
 * What `amount` so far comes to by the end of the period at the same pace: a
 * straight line from the period's start. Less than a day of history counts as
 * a day, so a first text sent minutes in does not project to hundreds of them.
 */
export function projectToPeriodEnd(amount: number, period: { start: string; end: string }, now: number): number {
  const start = Date.parse(period.start);
  const length = Date.parse(period.end) - start;
  if (length <= 0) return amount;
  const elapsed = Math.min(length, Math.max(DAY_MS, now - start));
  return (amount * length) / elapsed;
}

/** How far into the period `now` is, from 0 to 1. */
export function periodProgress(period: { start: string; end: string }, now: number): number {
  const start = Date.parse(period.start);
  const length = Date.parse(period.end) - start;
  if (length <= 0) return 1;
  return Math.min(1, Math.max(0, (now - start) / length));
}

export type MeterLevel = 'ok' | 'high' | 'full' | 'over';

/** How close usage is to its allowance: high from 80 %, full at it, over beyond (paid plans' overage). */
export function meterLevel(used: number, limit: number): MeterLevel {
  if (used > limit) return 'over';
  if (limit > 0 && used === limit) return 'full';
  return limit > 0 && used >= limit * 0.8 ? 'high' : 'ok';
}

/** Card networks as Stripe names them, as their owners write them; null for one we do not know. */
const CARD_BRANDS: Record<string, string> = {
  amex: 'American Express',
  cartes_bancaires: 'Cartes Bancaires',
  diners: 'Diners Club',
  discover: 'Discover',
  eftpos_au: 'eftpos',
  jcb: 'JCB',
  link: 'Link',
  mastercard: 'Mastercard',
  unionpay: 'UnionPay',
  visa: 'Visa',
};

export function cardBrandName(brand: string): string | null {
  return CARD_BRANDS[brand.toLowerCase()] ?? null;
}

/** "04/2030", as printed on the card. */
export function formatCardExpiry(card: { expMonth: number; expYear: number }): string {
  return `${String(card.expMonth).padStart(2, '0')}/${card.expYear}`;
}

/** A card works until the last day of its expiry month. */
export function isCardExpired(card: { expMonth: number; expYear: number }, now: Date = new Date()): boolean {
  const year = now.getFullYear();
  return card.expYear < year || (card.expYear === year && card.expMonth < now.getMonth() + 1);
}
