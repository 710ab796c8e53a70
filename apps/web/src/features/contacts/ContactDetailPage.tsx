import type { Contact } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Star, Trash2 } from 'lucide-react';
import { useId, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { isApiError } from '../../shared/api/errors';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Avatar } from '../../shared/ui/Avatar';
import { Button } from '../../shared/ui/Button';
import { Dialog } from '../../shared/ui/Dialog';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { formatPhone } from '../numbers/format';
import { contactsApi, contactsKeys } from './api';
import { ContactActions } from './ContactActions';
import { ContactsPane } from './ContactsLayout';
import { ContactTimeline } from './ContactTimeline';
import { TagEditor } from './TagEditor';
import { refreshContacts, useContact, useUpdateContact } from './use-contacts';

/** One contact: who, how to reach them, tags and notes, and everything exchanged with them. */
export function ContactDetailPage() {
  const t = useT();
  const id = useParams().contactId ?? '';
  const query = useContact(id);
  const contact = query.data;

  return (
    <ContactsPane title={contact?.displayName ?? t('contacts.detail.title')}>
      {query.isPending && <LoadingBlock label={t('common.loading')} />}
      {query.isError && (
        <Alert tone="danger">
          {isApiError(query.error) && query.error.status === 404
            ? t('contacts.detail.notFound')
            : errorMessage(query.error, t)}
        </Alert>
      )}
      {contact && <ContactDetails key={contact.id} contact={contact} />}
    </ContactsPane>
  );
}

function ContactDetails({ contact }: { contact: Contact }) {
  const t = useT();
  const toast = useToast();
  const tagsId = useId();
  const historyId = useId();
  const update = useUpdateContact(contact.id);
  const [deleting, setDeleting] = useState(false);
  const save = (body: Parameters<typeof update.mutate>[0]) =>
    update.mutate(body, { onError: (error) => toast(errorMessage(error, t), 'danger') });
  const company = contact.company?.trim() && contact.company !== contact.displayName ? contact.company : null;

  return (
    <div className="contact-detail" data-testid="contact-details">
      <div className="contact-card">
        <Avatar name={contact.displayName} size={72} />
        <div className="contact-card__who">
          {company && <p className="contact-card__company">{company}</p>}
          <p className="contact-card__number">{formatPhone(contact.phoneNumber)}</p>
        </div>
        <button
          type="button"
          className="contact-card__favorite"
          aria-pressed={contact.isFavorite}
          aria-label={t('contacts.favorite')}
          title={contact.isFavorite ? t('contacts.unfavoriteHint') : t('contacts.favoriteHint')}
          disabled={update.isPending}
          onClick={() => save({ isFavorite: !contact.isFavorite })}
        >
          <Star size={22} aria-hidden />
        </button>
      </div>

      <ContactActions contactId={contact.id} phoneNumber={contact.phoneNumber} />

      <dl className="contact-facts">
        <div>
          <dt>{t('contacts.fields.phone')}</dt>
          <dd>
            <a href={`tel:${contact.phoneNumber}`}>{formatPhone(contact.phoneNumber)}</a>
          </dd>
        </div>
        {contact.email && (
          <div>
            <dt>{t('fields.email')}</dt>
            <dd>
              <a href={`mailto:${contact.email}`}>{contact.email}</a>
            </dd>
          </div>
        )}
        {contact.notes && (
          <div>
            <dt>{t('contacts.fields.notes')}</dt>
            <dd className="contact-facts__notes">{contact.notes}</dd>
          </div>
        )}
      </dl>

      <section className="contact-section" aria-labelledby={tagsId}>
        <h2 className="contact-section__heading" id={tagsId}>
          {t('contacts.tags.title')}
        </h2>
        <TagEditor
          tags={contact.tags}
          label={t('contacts.tags.title')}
          busy={update.isPending}
          onChange={(tags) => save({ tags })}
        />
      </section>

      <section className="contact-section" aria-labelledby={historyId}>
        <h2 className="contact-section__heading" id={historyId}>
          {t('contacts.history.title')}
        </h2>
        <ContactTimeline contactId={contact.id} name={contact.displayName} />
      </section>

      <div className="contact-detail__delete">
        <Button variant="danger-ghost" icon={<Trash2 size={18} aria-hidden />} onClick={() => setDeleting(true)}>
          {t('contacts.delete.button')}
        </Button>
      </div>
      {deleting && <DeleteDialog contact={contact} onClose={() => setDeleting(false)} />}
    </div>
  );
}

function DeleteDialog({ contact, onClose }: { contact: Contact; onClose: () => void }) {
  const t = useT();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => contactsApi.remove(contact.id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: contactsKeys.detail(contact.id) });
      refreshContacts(queryClient);
      toast(t('contacts.delete.done', { name: contact.displayName }));
      navigate('/contacts', { replace: true });
    },
  });
  return (
    <Dialog
      title={t('contacts.delete.title', { name: contact.displayName })}
      description={t('contacts.delete.text')}
      closeLabel={t('common.close')}
      onClose={() => {
        if (!remove.isPending) onClose();
      }}
      footer={
        <>
          <Button variant="secondary" disabled={remove.isPending} onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="danger" loading={remove.isPending} onClick={() => remove.mutate()}>
            {t('contacts.delete.confirm')}
          </Button>
        </>
      }
    >
      {remove.isError ? <Alert tone="danger">{errorMessage(remove.error, t)}</Alert> : undefined}
    </Dialog>
  );
}
