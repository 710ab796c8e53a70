import { NavLink, Outlet } from 'react-router';
import { useT } from '../../shared/i18n/i18n';
import { SectionTitle } from '../account/SettingsLayout';
import './billing.css';

/** Settings › Plan & billing: the subscription, this period's usage and the invoices, one tab each. */
export function BillingSection() {
  const t = useT();
  const tabs = [
    { to: '/settings/billing', label: t('billing.tabs.plan'), end: true },
    { to: '/settings/billing/usage', label: t('billing.tabs.usage'), end: false },
    { to: '/settings/billing/invoices', label: t('billing.tabs.invoices'), end: false },
  ];
  return (
    <div className="section">
      <SectionTitle title={t('billing.title')} description={t('billing.description')} />
      <nav className="tabs" aria-label={t('billing.title')}>
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end} className="tabs__tab">
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
