import type { Message } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ChevronLeft, Contact as ContactIcon, UserPlus, UserRound } from 'lucide-react';
import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { useI18n, useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Avatar } from '../../shared/ui/Avatar';
import { Button } from '../../shared/ui/Button';
import { Dialog } from '../../shared/ui/Dialog';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { usePageVisible } from '../../shared/ui/use-media-query';
import { useContactByNumber } from '../contacts/use-contacts';
import { formatPhone } from '../numbers/format';
import { messagesApi, messagesKeys } from './api';
import { removeMessage, upsertMessage } from './cache';
import { Composer, type OutgoingMessage } from './Composer';
import { daysAgo, formatDayLabel } from './format';
import { MessageBubble } from './MessageBubble';
import { lineLabel } from './MessagesLayout';
import { toSendBody } from './outbox';
import { PendingBubble } from './PendingBubble';
import { draftOf, NoLineNotice, SendError, useComposerSend, useSend } from './send';
import { useSmsLines, useThread } from './use-messages';
import { outbox, useOutboxThread } from './use-outbox';

/** One conversation (seed wireframe 4): the thread, newest at the bottom, and the composer. */
export function ConversationPage() {
  const t = useT();
  const their = useParams().phoneNumber ?? '';
  const [search] = useSearchParams();
  const { lines, all, isSuccess: linesLoaded } = useSmsLines();
  // The line is in the URL; without it, the main line.
  const mine = search.get('from') ?? lines[0]?.phoneNumber ?? '';
  const line = all.find((item) => item.phoneNumber === mine);
  const contact = useContactByNumber(their).data;
  const name = contact?.displayName ?? formatPhone(their);
  useDocumentTitle(name);
  const under = [
    contact ? formatPhone(their) : null,
    line && all.length > 1 ? t('messages.viaLine', { line: lineLabel(line) }) : null,
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <section className="thread" aria-labelledby="page-title">
      <header className="thread__header">
        <Link className="thread__back" to="/messages" aria-label={t('messages.back')}>
          <ChevronLeft size={22} aria-hidden />
          <span className="thread__back-text">{t('messages.back')}</span>
        </Link>
        {contact ? (
          <Avatar name={name} size={38} />
        ) : (
          <span className="thread__avatar" aria-hidden>
            <UserRound size={20} />
          </span>
        )}
        <div className="thread__who">
          <h1 className="thread__title" id="page-title" tabIndex={-1}>
            {name}
          </h1>
          {under && <p className="thread__line">{under}</p>}
        </div>
        {contact !== undefined && (
          <Link
            className="thread__contact"
            to={contact ? `/contacts/${contact.id}` : `/contacts/new?phone=${encodeURIComponent(their)}`}
            aria-label={contact ? t('contacts.open', { name }) : t('contacts.save')}
            title={contact ? t('contacts.open', { name }) : t('contacts.save')}
          >
            {contact ? <ContactIcon size={20} aria-hidden /> : <UserPlus size={20} aria-hidden />}
          </Link>
        )}
      </header>
      {linesLoaded && !mine ? (
        <div className="thread__body">
          <NoLineNotice />
        </div>
      ) : (
        mine && (
          <Thread
            mine={mine}
            their={their}
            name={name}
            canSend={Boolean(line?.capabilities.sms)}
            canAttach={Boolean(line?.capabilities.mms)}
          />
        )
      )}
    </section>
  );
}

function Thread({
  mine,
  their,
  name,
  canSend,
  canAttach,
}: {
  mine: string;
  their: string;
  name: string;
  canSend: boolean;
  canAttach: boolean;
}) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const thread = useThread(mine, their);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Message | null>(null);
  const { submit, send } = useComposerSend();
  const retry = useSend();
  const pending = useOutboxThread(mine, their);

  // Oldest first on screen.
  const messages = useMemo(() => (thread.data?.messages ?? []).slice().reverse(), [thread.data]);
  useMarkRead(messages);

  // Keep the newest message in view as messages arrive, or are written offline.
  const lastId = pending.entries.at(-1)?.clientMessageId ?? messages.at(-1)?.id;
  useLayoutEffect(() => {
    const box = scrollRef.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [lastId, thread.isSuccess]);

  const sendBody = async ({ body, mediaUrls }: OutgoingMessage) => {
    try {
      await submit(draftOf(mine, their, body, mediaUrls));
      return true;
    } catch {
      return false;
    }
  };

  return (
    <>
      <div className="thread__body" ref={scrollRef}>
        {thread.isPending &&
          (thread.fetchStatus === 'paused' ? (
            <p className="thread__empty">{t('offline.notSaved')}</p>
          ) : (
            <LoadingBlock label={t('common.loading')} />
          ))}
        {thread.isError && (
          <Alert tone="danger" title={t('messages.thread.loadFailed')}>
            {errorMessage(thread.error, t)}
          </Alert>
        )}
        {thread.isSuccess && messages.length === 0 && pending.entries.length === 0 && (
          <p className="thread__empty">{t('messages.thread.empty')}</p>
        )}
        {(messages.length > 0 || pending.entries.length > 0) && (
          <ol className="bubbles" role="log" aria-label={t('messages.thread.label', { name })}>
            {messages.map((message, index) => {
              const previous = messages[index - 1];
              const newDay = !previous || daysAgo(previous.createdAt) !== daysAgo(message.createdAt);
              return (
                <Fragment key={message.id}>
                  {newDay && (
                    <li className="bubbles__day" aria-hidden>
                      <span>{formatDayLabel(message.createdAt, locale)}</span>
                    </li>
                  )}
                  <MessageBubble
                    message={message}
                    open={openId === message.id}
                    onToggle={() => setOpenId((current) => (current === message.id ? null : message.id))}
                    retrying={retry.isPending && retry.variables?.body === message.body}
                    onRetry={() =>
                      retry.mutate(toSendBody(draftOf(mine, their, message.body ?? '', message.mediaUrls)))
                    }
                    onDelete={() => setDeleting(message)}
                  />
                </Fragment>
              );
            })}
            {pending.entries.map((entry) => (
              <PendingBubble
                key={entry.clientMessageId}
                entry={entry}
                sending={pending.sending.has(entry.clientMessageId)}
                onRetry={() => outbox.retry(entry.clientMessageId)}
                onDelete={() => outbox.remove(entry.clientMessageId)}
              />
            ))}
          </ol>
        )}
      </div>
      <Composer
        key={`${mine}|${their}`}
        sending={send.isPending}
        disabled={!canSend}
        canAttach={canAttach}
        onSend={sendBody}
        notice={
          !canSend ? (
            <Alert tone="warning">{t('messages.composer.cantSend')}</Alert>
          ) : send.isError ? (
            <SendError error={send.error} />
          ) : retry.isError ? (
            <SendError error={retry.error} />
          ) : undefined
        }
      />
      {deleting && (
        <DeleteDialog
          message={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            removeMessage(queryClient, deleting);
            setDeleting(null);
            setOpenId(null);
            toast(t('messages.deleted'));
          }}
        />
      )}
    </>
  );
}

/** Marks the unread messages they sent as read while the conversation is on screen. */
function useMarkRead(messages: Message[]) {
  const queryClient = useQueryClient();
  const pending = useRef(new Set<string>());
  const unread = messages.filter((message) => message.direction === 'INBOUND' && !message.readAt);
  const key = unread.map((message) => message.id).join(',');
  // Read means seen: wait until the person is looking at the page.
  const visible = usePageVisible();

  useEffect(() => {
    if (!key || !visible) return;
    const ids = key.split(',').filter((id) => !pending.current.has(id));
    if (ids.length === 0) return;
    ids.forEach((id) => pending.current.add(id));
    void Promise.allSettled(
      ids.map((id) =>
        messagesApi.markRead(id).then((message) => {
          upsertMessage(queryClient, message);
        }),
      ),
    ).then(() => {
      ids.forEach((id) => pending.current.delete(id));
      void queryClient.invalidateQueries({ queryKey: messagesKeys.conversations });
    });
  }, [key, visible, queryClient]);
}

function DeleteDialog({
  message,
  onClose,
  onDeleted,
}: {
  message: Message;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const t = useT();
  const remove = useMutation({ mutationFn: () => messagesApi.remove(message.id), onSuccess: onDeleted });
  return (
    <Dialog
      title={t('messages.deleteTitle')}
      description={t('messages.deleteText')}
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
            {t('messages.deleteConfirm')}
          </Button>
        </>
      }
    >
      {message.body ? <blockquote className="delete-quote">{message.body}</blockquote> : undefined}
      {remove.isError ? <Alert tone="danger">{errorMessage(remove.error, t)}</Alert> : undefined}
    </Dialog>
  );
}
