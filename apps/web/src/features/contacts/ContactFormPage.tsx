import { CreateContactBody, type Contact, type CountryCode } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf, isApiError } from '../../shared/api/errors';
import { focusFirstInvalid, validate, type FieldErrors } from '../../shared/forms/validate';
import { browserTimeZone } from '../../shared/i18n/format';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { TextAreaField, TextField } from '../../shared/ui/Field';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { useMe } from '../auth/auth-context';
import { defaultCountry, formatPhone, toE164 } from '../numbers/format';
import { useMyNumbers } from '../numbers/use-numbers';
import { contactsApi, contactsKeys } from './api';
import { ContactsPane } from './ContactsLayout';
import { contactBody, formValuesOf, type ContactFormValues } from './format';
import { TagEditor } from './TagEditor';
import { refreshContacts, useContact } from './use-contacts';

type Field = Exclude<keyof ContactFormValues, 'tags'> | 'tags';

/** /contacts/new, with `?phone=` to save a number met in a conversation or a call. */
export function NewContactPage() {
  const t = useT();
  const [search] = useSearchParams();
  return (
    <ContactsPane title={t('contacts.form.newTitle')}>
      <ContactForm initial={formValuesOf(undefined, search.get('phone') ?? '')} />
    </ContactsPane>
  );
}

export function EditContactPage() {
  const t = useT();
  const id = useParams().contactId ?? '';
  const query = useContact(id);
  const contact = query.data;
  return (
    <ContactsPane
      title={t('contacts.form.editTitle')}
      back={`/contacts/${id}`}
      backLabel={contact?.displayName ?? t('contacts.back')}
    >
      {query.isPending && <LoadingBlock label={t('common.loading')} />}
      {query.isError && <Alert tone="danger">{errorMessage(query.error, t)}</Alert>}
      {contact && <ContactForm key={contact.id} contact={contact} initial={formValuesOf(contact)} />}
    </ContactsPane>
  );
}

/** The country a number written without +code is read in: the main line's, else the person's time zone's. */
function useHomeCountry(): CountryCode {
  const me = useMe().data;
  const main = useMyNumbers().data?.[0];
  return main?.countryCode ?? defaultCountry(me?.timezone ?? browserTimeZone());
}

function ContactForm({ contact, initial }: { contact?: Contact; initial: ContactFormValues }) {
  const t = useT();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const country = useHomeCountry();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const save = useMutation({
    mutationFn: (body: CreateContactBody) =>
      contact ? contactsApi.update(contact.id, body) : contactsApi.create(body),
    onSuccess: (saved) => {
      queryClient.setQueryData(contactsKeys.detail(saved.id), saved);
      refreshContacts(queryClient);
      toast(t('contacts.form.saved'));
      navigate(`/contacts/${saved.id}`, { replace: true });
    },
    onError: (error) => {
      const fields: FieldErrors<Field> = fieldErrorsOf(error, t);
      // The number is someone's already: the notice under the field names them, with a link.
      if (isApiError(error) && error.existing) delete fields.phoneNumber;
      setErrors(fields);
      focusFirstInvalid(formRef.current);
    },
  });

  const set = (field: Exclude<Field, 'tags'>) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [field]: event.target.value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
    if (save.isError) save.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const body = contactBody(values, country);
    const checked = validate(CreateContactBody, body, t, { phoneNumber: t('contacts.form.phoneInvalid') });
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(formRef.current);
      return;
    }
    save.mutate(body);
  };

  const e164 = toE164(values.phoneNumber, country);
  const preview = e164 ? formatPhone(e164) : null;
  const existing = isApiError(save.error) && save.error.status === 409 ? save.error.existing : undefined;
  const shownOnFields = Object.values(errors).some(Boolean);

  return (
    <form className="contact-form form" ref={formRef} onSubmit={onSubmit} noValidate>
      <div className="form__row">
        <TextField
          label={t('fields.firstName')}
          name="firstName"
          autoComplete="off"
          value={values.firstName}
          error={errors.firstName}
          onChange={set('firstName')}
        />
        <TextField
          label={t('fields.lastName')}
          name="lastName"
          autoComplete="off"
          value={values.lastName}
          error={errors.lastName}
          onChange={set('lastName')}
        />
      </div>
      <TextField
        label={t('contacts.fields.phone')}
        name="phoneNumber"
        type="tel"
        inputMode="tel"
        autoComplete="off"
        placeholder={t('contacts.form.phonePlaceholder')}
        value={values.phoneNumber}
        error={errors.phoneNumber}
        hint={preview && preview !== values.phoneNumber.trim() ? preview : t('contacts.form.phoneHint')}
        onChange={set('phoneNumber')}
      />
      {existing && (
        <Alert tone="warning" title={t('contacts.form.exists', { name: existing.displayName })}>
          <Link to={`/contacts/${existing.id}`}>{t('contacts.form.openExisting', { name: existing.displayName })}</Link>
        </Alert>
      )}
      <TextField
        label={t('fields.email')}
        optionalLabel={t('fields.optional')}
        name="email"
        type="email"
        inputMode="email"
        autoComplete="off"
        value={values.email}
        error={errors.email}
        onChange={set('email')}
      />
      <TextField
        label={t('fields.company')}
        optionalLabel={t('fields.optional')}
        name="company"
        autoComplete="off"
        value={values.company}
        error={errors.company}
        onChange={set('company')}
      />
      <TextAreaField
        label={t('contacts.fields.notes')}
        optionalLabel={t('fields.optional')}
        name="notes"
        rows={3}
        value={values.notes}
        error={errors.notes}
        onChange={set('notes')}
      />
      <fieldset className="contact-form__tags">
        <legend className="field__label">{t('contacts.tags.title')}</legend>
        <TagEditor
          tags={values.tags}
          label={t('contacts.tags.title')}
          onChange={(tags) => {
            setValues((current) => ({ ...current, tags }));
            setErrors((current) => ({ ...current, tags: undefined }));
          }}
        />
        {errors.tags && <p className="field__error">{errors.tags}</p>}
      </fieldset>
      {save.isError && !existing && !shownOnFields && <Alert tone="danger">{errorMessage(save.error, t)}</Alert>}
      <div className="form__actions contact-form__actions">
        <Link className="btn btn--secondary btn--md" to={contact ? `/contacts/${contact.id}` : '/contacts'}>
          <span className="btn__label">{t('common.cancel')}</span>
        </Link>
        <Button type="submit" loading={save.isPending}>
          {contact ? t('common.saveChanges') : t('contacts.form.create')}
        </Button>
      </div>
    </form>
  );
}
