import { Delete, Phone } from 'lucide-react';
import { useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useT } from '../../shared/i18n/i18n';
import { Button } from '../../shared/ui/Button';
import { SelectField, TextField } from '../../shared/ui/Field';
import { lineLabel } from '../messages/MessagesLayout';
import { formatPhone, toE164 } from '../numbers/format';
import { useCallsState } from './calls-runtime';
import { callFieldErrors, DialError, NoVoiceLineNotice, useDial } from './dial';
import { dialable, recentNumbers } from './format';
import { Keypad } from './Keypad';
import { useCallHistory, useVoiceLines } from './use-calls';

/**
 * The dialer: a number typed, pasted or keyed in, the line to call from, and
 * the numbers called recently. `?to=` and `?from=` prefill it.
 */
export function Dialer() {
  const t = useT();
  const [search] = useSearchParams();
  const { lines, isSuccess } = useVoiceLines();
  const history = useCallHistory('all');
  const recent = recentNumbers(history.data?.calls ?? []);
  const inputRef = useRef<HTMLInputElement>(null);
  const [number, setNumber] = useState(() => search.get('to') ?? '');
  const [numberError, setNumberError] = useState<string | undefined>();
  const [picked, setPicked] = useState<string | null>(() => search.get('from'));
  const line = lines.find((item) => item.phoneNumber === picked) ?? lines[0];
  const dial = useDial();
  const busy = useCallsState().active !== null;

  const press = (key: string) => {
    setNumber((value) => value + key);
    setNumberError(undefined);
    dial.reset();
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!line) return;
    const to = toE164(number, line.countryCode);
    if (!to) {
      setNumberError(number.trim() ? t('calls.dialer.invalid') : t('calls.dialer.empty'));
      inputRef.current?.focus();
      return;
    }
    if (to === line.phoneNumber) {
      setNumberError(t('calls.dialer.self'));
      inputRef.current?.focus();
      return;
    }
    try {
      await dial.mutateAsync({ from: line.phoneNumber, to });
      setNumber('');
    } catch (error) {
      const fields = callFieldErrors(error, t);
      if (fields.to) {
        setNumberError(fields.to);
        inputRef.current?.focus();
      }
    }
  };

  if (isSuccess && lines.length === 0) return <NoVoiceLineNotice />;
  const serverNumberError = dial.isError && callFieldErrors(dial.error, t).to;
  const preview = line && toE164(number, line.countryCode);

  return (
    <form className="dialer" onSubmit={onSubmit} noValidate aria-label={t('calls.dialer.title')}>
      <TextField
        ref={inputRef}
        className="dialer__number"
        label={t('calls.dialer.number')}
        name="to"
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        placeholder={t('calls.dialer.placeholder')}
        value={number}
        error={numberError}
        hint={preview && preview !== number ? formatPhone(preview) : undefined}
        onChange={(event) => {
          setNumber(event.target.value);
          setNumberError(undefined);
          dial.reset();
        }}
        onPaste={(event) => {
          // Whatever was copied (a signature, a tel: link), keep the number.
          const pasted = dialable(event.clipboardData.getData('text'));
          if (!pasted) return;
          event.preventDefault();
          const input = event.currentTarget;
          const start = input.selectionStart ?? number.length;
          const end = input.selectionEnd ?? number.length;
          setNumber(number.slice(0, start) + pasted + number.slice(end));
          setNumberError(undefined);
        }}
      />
      {recent.length > 0 && (
        <div className="dialer__recent" role="group" aria-label={t('calls.dialer.recent')}>
          {recent.map((item) => (
            <button
              key={item}
              type="button"
              className="line-filter__chip"
              onClick={() => {
                setNumber(item);
                setNumberError(undefined);
              }}
            >
              {formatPhone(item)}
            </button>
          ))}
        </div>
      )}
      <Keypad label={t('calls.dialer.keypad')} onPress={press} />
      {lines.length > 1 && line && (
        <SelectField
          label={t('calls.dialer.fromLine')}
          name="from"
          value={line.phoneNumber}
          error={dial.isError ? callFieldErrors(dial.error, t).from : undefined}
          onChange={(event) => setPicked(event.target.value)}
        >
          {lines.map((item) => (
            <option key={item.id} value={item.phoneNumber}>
              {item.friendlyName ? `${item.friendlyName} · ${formatPhone(item.phoneNumber)}` : lineLabel(item)}
            </option>
          ))}
        </SelectField>
      )}
      {lines.length === 1 && line && (
        <p className="dialer__line muted">{t('calls.dialer.via', { line: lineLabel(line) })}</p>
      )}
      {dial.isError && !serverNumberError && <DialError error={dial.error} />}
      <div className="dialer__actions">
        <span />
        <Button
          type="submit"
          className="dialer__call"
          size="lg"
          icon={<Phone size={22} aria-hidden />}
          loading={dial.isPending}
          disabled={!line || busy}
          aria-label={t('calls.dialer.call')}
        />
        <button
          type="button"
          className="dialer__erase"
          aria-label={t('calls.dialer.erase')}
          disabled={!number}
          onClick={() => setNumber((value) => value.slice(0, -1))}
        >
          <Delete size={22} aria-hidden />
        </button>
      </div>
    </form>
  );
}
