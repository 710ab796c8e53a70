import type { ImportFailure, ImportResult } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Download, Upload } from 'lucide-react';
import { useId, useRef, useState } from 'react';
import { errorMessage } from '../../shared/api/error-message';
import { isApiError } from '../../shared/api/errors';
import { useT, type Translate } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { Dialog } from '../../shared/ui/Dialog';
import { useToast } from '../../shared/ui/Toast';
import { contactsApi, type ExportFormat } from './api';
import { saveFile } from './save-file';
import { refreshContacts } from './use-contacts';

const VCARD_TYPES = ['text/vcard', 'text/x-vcard', 'text/directory'];

/** A file that can be a vCard: by its name, or by its type when the name says nothing. */
function looksLikeVcard(file: File): boolean {
  if (/\.(vcf|vcard)$/i.test(file.name)) return true;
  return VCARD_TYPES.includes(file.type.toLowerCase());
}

/** Why the server refused the file, in the person's words. */
function importErrorText(error: unknown, t: Translate): string {
  if (isApiError(error) && error.status === 413) return t('contacts.import.tooBig');
  if (isApiError(error) && (error.status === 400 || error.status === 415 || error.status === 422)) {
    return t('contacts.import.unreadable');
  }
  return errorMessage(error, t);
}

/** Why a card was not imported: in the person's language for the reasons we know, else as the server says. */
function failureReason(failure: ImportFailure, t: Translate): string {
  if (failure.code === 'PHONE_MISSING') return t('contacts.import.reason.PHONE_MISSING');
  if (failure.code === 'PHONE_INVALID' && failure.phoneNumber) {
    return t('contacts.import.reason.PHONE_INVALID', { number: failure.phoneNumber });
  }
  return failure.reason;
}

/** Picks a .vcf file and uploads it; the summary is the caller's to show. */
export function ImportButton({ onImported }: { onImported: (result: ImportResult) => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: contactsApi.importVcard,
    // On the hook, not on mutate(): the summary still shows if the dialog that started it was closed.
    onSuccess: (result) => {
      refreshContacts(queryClient);
      onImported(result);
    },
  });
  const problem = refused ?? (upload.isError ? importErrorText(upload.error, t) : null);

  return (
    <div className="import-button">
      <input
        ref={input}
        type="file"
        accept=".vcf,.vcard,text/vcard,text/x-vcard"
        hidden
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (!file) return;
          upload.reset();
          if (!looksLikeVcard(file)) {
            setRefused(t('contacts.import.notVcard'));
            return;
          }
          setRefused(null);
          upload.mutate(file);
        }}
      />
      <Button
        variant="secondary"
        icon={<Upload size={18} aria-hidden />}
        loading={upload.isPending}
        onClick={() => input.current?.click()}
      >
        {upload.isPending ? t('contacts.import.uploading') : t('contacts.import.button')}
      </Button>
      {problem && <Alert tone="danger">{problem}</Alert>}
    </div>
  );
}

/** What the import did: the counts, and each card that could not be saved with its reason. */
export function ImportSummaryDialog({ result, onClose }: { result: ImportResult; onClose: () => void }) {
  const t = useT();
  const titleId = useId();
  const unlisted = result.failed - result.failures.length;
  const nothing = result.imported + result.updated + result.failed === 0;
  return (
    <Dialog
      title={t('contacts.import.doneTitle')}
      closeLabel={t('common.close')}
      onClose={onClose}
      footer={<Button onClick={onClose}>{t('common.done')}</Button>}
    >
      <div className="import-summary" data-testid="import-summary">
        {nothing ? (
          <p>{t('contacts.import.empty')}</p>
        ) : (
          <p className="import-summary__counts">
            {t('contacts.import.summary', {
              imported: result.imported,
              updated: result.updated,
              failed: result.failed,
            })}
          </p>
        )}
        {result.failures.length > 0 && (
          <section className="import-summary__failures" aria-labelledby={titleId}>
            <h3 className="import-summary__heading" id={titleId}>
              {t('contacts.import.failuresTitle')}
            </h3>
            <ul className="import-failures">
              {result.failures.map((failure) => (
                <li key={`${failure.row}-${failure.code}`} className="import-failure" data-testid="import-failure">
                  <span className="import-failure__where">
                    {t('contacts.import.card', { row: failure.row + 1 })}
                    {failure.phoneNumber && <span className="import-failure__number">{failure.phoneNumber}</span>}
                  </span>
                  <span className="import-failure__reason">{failureReason(failure, t)}</span>
                </li>
              ))}
            </ul>
            {unlisted > 0 && <p className="muted">{t('contacts.import.moreFailures', { count: unlisted })}</p>}
          </section>
        )}
      </div>
    </Dialog>
  );
}

const EXPORTS: { format: ExportFormat; filename: string }[] = [
  { format: 'vcard', filename: 'contacts.vcf' },
  { format: 'vcard3', filename: 'contacts.vcf' },
  { format: 'csv', filename: 'contacts.csv' },
];

/** Import a vCard file, or download every contact as vCard or CSV. */
export function TransferDialog({
  onClose,
  onImported,
}: {
  onClose: () => void;
  onImported: (result: ImportResult) => void;
}) {
  const t = useT();
  const toast = useToast();
  const importId = useId();
  const exportId = useId();
  const download = useMutation({
    mutationFn: ({ format }: (typeof EXPORTS)[number]) => contactsApi.export(format),
    onSuccess: (file, { filename }) => saveFile(file.blob, file.filename ?? filename),
    onError: (error) => toast(errorMessage(error, t), 'danger'),
  });

  return (
    <Dialog title={t('contacts.transfer.title')} closeLabel={t('common.close')} onClose={onClose}>
      <div className="transfer">
        <section className="transfer__section" aria-labelledby={importId}>
          <h3 className="transfer__heading" id={importId}>
            {t('contacts.import.title')}
          </h3>
          <p className="muted">{t('contacts.import.text')}</p>
          <ImportButton onImported={onImported} />
        </section>
        <section className="transfer__section" aria-labelledby={exportId}>
          <h3 className="transfer__heading" id={exportId}>
            {t('contacts.export.title')}
          </h3>
          <p className="muted">{t('contacts.export.text')}</p>
          <div className="transfer__exports">
            {EXPORTS.map((item) => (
              <Button
                key={item.format}
                variant="secondary"
                size="sm"
                icon={<Download size={16} aria-hidden />}
                loading={download.isPending && download.variables.format === item.format}
                disabled={download.isPending}
                onClick={() => download.mutate(item)}
              >
                {t(`contacts.export.${item.format}`)}
              </Button>
            ))}
          </div>
        </section>
      </div>
    </Dialog>
  );
}
