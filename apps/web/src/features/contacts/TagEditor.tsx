import { MAX_TAGS_PER_CONTACT } from '@commpro/contracts';
import { Plus, X } from 'lucide-react';
import { useId, useState } from 'react';
import { useT } from '../../shared/i18n/i18n';
import { checkTag } from './format';
import { useContactTags } from './use-contacts';

/**
 * A contact's tags as chips, each with its remove button, and a box to add one
 * (the tags already in use are suggested). Not a <form>: it also sits inside the contact form.
 */
export function TagEditor({
  tags,
  onChange,
  busy = false,
  label,
}: {
  tags: string[];
  onChange: (tags: string[]) => void;
  busy?: boolean;
  /** The name of the chips' list and of the box, e.g. "Tags". */
  label: string;
}) {
  const t = useT();
  const inputId = useId();
  const suggestionsId = useId();
  const errorId = useId();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inUse = useContactTags().data?.tags ?? [];
  const full = tags.length >= MAX_TAGS_PER_CONTACT;

  const add = () => {
    const check = checkTag(draft, tags, t);
    if (!check.ok) {
      setError(check.error);
      return;
    }
    onChange([...tags, check.tag]);
    setDraft('');
    setError(null);
  };

  return (
    <div className="tag-editor">
      {tags.length > 0 ? (
        <ul className="tag-list" aria-label={label}>
          {tags.map((tag) => (
            <li key={tag} className="tag" data-testid="tag">
              <span className="tag__text">{tag}</span>
              <button
                type="button"
                className="tag__remove"
                aria-label={t('contacts.tags.remove', { tag })}
                disabled={busy}
                onClick={() => onChange(tags.filter((item) => item !== tag))}
              >
                <X size={14} aria-hidden />
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="tag-editor__none muted">{t('contacts.tags.none')}</p>
      )}
      {full ? (
        <p className="muted">{t('contacts.tags.max', { max: MAX_TAGS_PER_CONTACT })}</p>
      ) : (
        <div className="tag-editor__add">
          <label className="visually-hidden" htmlFor={inputId}>
            {t('contacts.tags.add')}
          </label>
          <input
            id={inputId}
            className="input tag-editor__input"
            list={suggestionsId}
            placeholder={t('contacts.tags.placeholder')}
            autoComplete="off"
            maxLength={60}
            value={draft}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => {
              setDraft(event.target.value);
              setError(null);
            }}
            onKeyDown={(event) => {
              // Enter adds the tag; inside the contact form it must not submit the form.
              if (event.key === 'Enter') {
                event.preventDefault();
                add();
              }
            }}
          />
          <datalist id={suggestionsId}>
            {inUse
              .filter((item) => !tags.includes(item.tag))
              .map((item) => (
                <option key={item.tag} value={item.tag} />
              ))}
          </datalist>
          <button
            type="button"
            className="btn btn--secondary btn--md tag-editor__button"
            disabled={busy || !draft.trim()}
            onClick={add}
          >
            <Plus size={16} aria-hidden />
            <span className="btn__label">{t('contacts.tags.addButton')}</span>
          </button>
        </div>
      )}
      {error && (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
