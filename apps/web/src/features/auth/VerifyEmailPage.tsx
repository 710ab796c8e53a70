import { useQuery, useQueryClient } from '@tanstack/react-query';
import { CircleCheck, TriangleAlert } from 'lucide-react';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { useT } from '../../shared/i18n/i18n';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { authApi, queryKeys } from './api';
import { useAuth } from './auth-context';
import { AuthHeader, AuthLayout } from './AuthLayout';

/** Where the link in the verification email lands. */
export function VerifyEmailPage() {
  const t = useT();
  useDocumentTitle(t('auth.verify.title'));
  const { token = '' } = useParams();
  const { status } = useAuth();
  const queryClient = useQueryClient();
  // A query, not an effect, so the token is spent once even if the component mounts twice.
  const verification = useQuery({
    queryKey: ['verify-email', token],
    queryFn: () => authApi.verifyEmail(token),
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
  });

  useEffect(() => {
    if (verification.isSuccess && status === 'signed-in') {
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    }
  }, [verification.isSuccess, status, queryClient]);

  const next =
    status === 'signed-in' ? (
      <Link className="btn btn--primary btn--lg btn--block" to="/messages">
        {t('auth.verify.toApp')}
      </Link>
    ) : (
      <Link className="btn btn--primary btn--lg btn--block" to="/login">
        {t('auth.reset.toLogin')}
      </Link>
    );

  return (
    <AuthLayout>
      {verification.isPending && (
        <>
          <AuthHeader title={t('auth.verify.title')} subtitle={t('auth.verify.checking')} />
          <LoadingBlock label={t('common.loading')} />
        </>
      )}
      {verification.isSuccess && (
        <>
          <AuthHeader
            icon={<CircleCheck size={26} aria-hidden />}
            tone="success"
            title={t('auth.verify.doneTitle')}
            subtitle={t('auth.verify.doneText')}
          />
          {next}
        </>
      )}
      {verification.isError && (
        <>
          <AuthHeader
            icon={<TriangleAlert size={26} aria-hidden />}
            tone="warning"
            title={t('auth.verify.failedTitle')}
            subtitle={`${errorMessage(verification.error, t)} ${t('auth.verify.failedHint')}`}
          />
          {status === 'signed-in' ? (
            <Link className="btn btn--primary btn--lg btn--block" to="/settings/profile">
              {t('auth.verify.resend')}
            </Link>
          ) : (
            next
          )}
        </>
      )}
    </AuthLayout>
  );
}
