import { useMutation } from '@tanstack/react-query';
import { Download, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { errorMessage } from '../../shared/api/error-message';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { saveFile } from '../contacts/save-file';
import { DeleteAccountDialog } from './DeleteAccountDialog';
import { privacyApi } from './privacy-api';

/** "Your data": download everything the service holds about you, or delete the account. */
export function PrivacyCard() {
  const t = useT();
  const [deleting, setDeleting] = useState(false);
  const exportData = useMutation({
    mutationFn: privacyApi.exportData,
    onSuccess: (file) => saveFile(file.blob, file.filename ?? 'commpro-export.zip'),
  });

  return (
    <Card id="privacy" title={t('settings.privacy.title')} description={t('settings.privacy.description')}>
      <div className="stack">
        <p className="muted">{t('settings.privacy.exportText')}</p>
        {exportData.isError && <Alert tone="danger">{errorMessage(exportData.error, t)}</Alert>}
        <div>
          <Button
            variant="secondary"
            icon={<Download size={16} aria-hidden />}
            loading={exportData.isPending}
            onClick={() => exportData.mutate()}
          >
            {t('settings.privacy.export')}
          </Button>
        </div>
        <p className="muted">{t('settings.privacy.deleteText')}</p>
        <div>
          <Button variant="danger-ghost" icon={<Trash2 size={16} aria-hidden />} onClick={() => setDeleting(true)}>
            {t('settings.privacy.delete')}
          </Button>
        </div>
      </div>
      {deleting && <DeleteAccountDialog onClose={() => setDeleting(false)} />}
    </Card>
  );
}
