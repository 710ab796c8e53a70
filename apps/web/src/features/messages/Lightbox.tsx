import { ExternalLink, X } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { useT } from '../../shared/i18n/i18n';

/**
 * A picture full size over the page, on the native <dialog> (focus trap,
 * Escape, top layer); a click outside the picture closes it too.
 */
export function Lightbox({ src, alt, onClose }: { src: string; alt: string; onClose: () => void }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.close();
      if (opener?.isConnected) opener.focus({ preventScroll: true });
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="lightbox"
      aria-label={t('messages.photoViewer')}
      onCancel={(event) => {
        event.preventDefault();
        onCloseRef.current();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget || (event.target as HTMLElement).classList.contains('lightbox__stage'))
          onCloseRef.current();
      }}
    >
      <div className="lightbox__bar">
        <a className="lightbox__action" href={src} target="_blank" rel="noreferrer">
          <ExternalLink size={18} aria-hidden />
          <span>{t('messages.photoOpen')}</span>
        </a>
        <button
          type="button"
          className="lightbox__action lightbox__close"
          aria-label={t('common.close')}
          onClick={() => onCloseRef.current()}
        >
          <X size={20} aria-hidden />
        </button>
      </div>
      <div className="lightbox__stage">
        <img className="lightbox__img" src={src} alt={alt} />
      </div>
    </dialog>
  );
}
