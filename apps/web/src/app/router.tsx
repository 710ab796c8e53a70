import { createBrowserRouter, Navigate } from 'react-router';
import { AppearanceSection } from '../features/account/AppearanceSection';
import { AdminLayout } from '../features/admin/AdminLayout';
import { AuditPage } from '../features/admin/AuditPage';
import { ChartsPage } from '../features/admin/ChartsPage';
import { NumbersPage as AdminNumbersPage } from '../features/admin/NumbersPage';
import { OverviewPage } from '../features/admin/OverviewPage';
import { SandboxPage } from '../features/admin/SandboxPage';
import { UserDetailPage } from '../features/admin/UserDetailPage';
import { UsersPage } from '../features/admin/UsersPage';
import { WebhooksPage } from '../features/admin/WebhooksPage';
import { ProfileSection } from '../features/account/ProfileSection';
import { SecuritySection } from '../features/account/SecuritySection';
import { SettingsLayout } from '../features/account/SettingsLayout';
import { ForgotPasswordPage } from '../features/auth/ForgotPasswordPage';
import { LoginPage } from '../features/auth/LoginPage';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage';
import { SignUpPage } from '../features/auth/SignUpPage';
import { TwoFactorPage } from '../features/auth/TwoFactorPage';
import { VerifyEmailPage } from '../features/auth/VerifyEmailPage';
import { BillingSection } from '../features/billing/BillingSection';
import { InvoicesPanel } from '../features/billing/InvoicesPanel';
import { PlansPage } from '../features/billing/PlansPage';
import { SubscriptionPanel } from '../features/billing/SubscriptionPanel';
import { UsagePanel } from '../features/billing/UsagePanel';
import { CallDetailPage } from '../features/calls/CallDetailPage';
import { CallsHome, CallsLayout, DialerPage } from '../features/calls/CallsLayout';
import { ContactDetailPage } from '../features/contacts/ContactDetailPage';
import { EditContactPage, NewContactPage } from '../features/contacts/ContactFormPage';
import { ContactsHome, ContactsLayout } from '../features/contacts/ContactsLayout';
import { ConversationPage } from '../features/messages/ConversationPage';
import { MessagesIndex } from '../features/messages/MessagesPage';
import { MessagesLayout } from '../features/messages/MessagesLayout';
import { NewConversationPage } from '../features/messages/NewConversationPage';
import { NotificationsPage } from '../features/notifications/NotificationsPage';
import { NotificationsSection } from '../features/notifications/NotificationsSection';
import { BuyNumberPage } from '../features/numbers/BuyNumberPage';
import { MyNumbersPage } from '../features/numbers/MyNumbersPage';
import { AppShell } from './AppShell';
import { PublicOnly, RequireAuth } from './guards';
import { NotFoundPage } from './NotFoundPage';

export const router = createBrowserRouter([
  {
    element: <PublicOnly />,
    children: [
      { path: '/login', element: <LoginPage /> },
      { path: '/login/2fa', element: <TwoFactorPage /> },
      { path: '/signup', element: <SignUpPage /> },
      { path: '/forgot-password', element: <ForgotPasswordPage /> },
    ],
  },
  // Reached from email links, signed in or not.
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/verify-email/:token', element: <VerifyEmailPage /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <AppShell />,
        children: [
          { path: '/', element: <Navigate to="/messages" replace /> },
          {
            path: '/messages',
            element: <MessagesLayout />,
            children: [
              { index: true, element: <MessagesIndex /> },
              { path: 'new', element: <NewConversationPage /> },
              { path: ':phoneNumber', element: <ConversationPage /> },
            ],
          },
          {
            path: '/calls',
            element: <CallsLayout />,
            children: [
              { index: true, element: <CallsHome /> },
              { path: 'dial', element: <DialerPage /> },
              { path: ':callId', element: <CallDetailPage /> },
            ],
          },
          {
            path: '/contacts',
            element: <ContactsLayout />,
            children: [
              { index: true, element: <ContactsHome /> },
              { path: 'new', element: <NewContactPage /> },
              { path: ':contactId', element: <ContactDetailPage /> },
              { path: ':contactId/edit', element: <EditContactPage /> },
            ],
          },
          { path: '/notifications', element: <NotificationsPage /> },
          { path: '/numbers', element: <MyNumbersPage /> },
          { path: '/numbers/buy', element: <BuyNumberPage /> },
          { path: '/plans', element: <PlansPage /> },
          {
            path: '/admin',
            element: <AdminLayout />,
            children: [
              { index: true, element: <OverviewPage /> },
              { path: 'charts', element: <ChartsPage /> },
              { path: 'users', element: <UsersPage /> },
              { path: 'users/:userId', element: <UserDetailPage /> },
              { path: 'numbers', element: <AdminNumbersPage /> },
              { path: 'webhooks', element: <WebhooksPage /> },
              { path: 'audit', element: <AuditPage /> },
              { path: 'sandbox', element: <SandboxPage /> },
            ],
          },
          {
            path: '/settings',
            element: <SettingsLayout />,
            children: [
              { index: true, element: <ProfileSection /> },
              { path: 'profile', element: <ProfileSection /> },
              { path: 'security', element: <SecuritySection /> },
              { path: 'notifications', element: <NotificationsSection /> },
              { path: 'appearance', element: <AppearanceSection /> },
              {
                path: 'billing',
                element: <BillingSection />,
                children: [
                  { index: true, element: <SubscriptionPanel /> },
                  { path: 'usage', element: <UsagePanel /> },
                  { path: 'invoices', element: <InvoicesPanel /> },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
]);
