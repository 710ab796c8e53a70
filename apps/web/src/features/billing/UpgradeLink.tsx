import { ArrowRight } from 'lucide-react';
import { Link, useLocation } from 'react-router';
import { useT } from '../../shared/i18n/i18n';
import type { PlansLocationState } from './PlansPage';
import './billing.css';

/** From a plan limit to the plans page, which links back to where the limit was met. */
export function UpgradeLink({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  const { pathname, search } = useLocation();
  const state: PlansLocationState = { from: pathname + search };
  return (
    <Link className="upgrade-link" to="/plans" state={state} onClick={onNavigate}>
      {t('billing.prompt.upgrade')}
      <ArrowRight size={16} aria-hidden />
    </Link>
  );
}
