import { useEffect, useRef } from 'react';

export interface Confirmation {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  run: () => Promise<void>;
}

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels). */
export function ConfirmDialog({
  confirmation,
  onClose,
}: {
  confirmation: Confirmation | undefined;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d === null) return;
    if (confirmation !== undefined && !d.open) d.showModal();
    if (confirmation === undefined && d.open) d.close();
  }, [confirmation]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="confirm-title" onClose={onClose}>
      {confirmation !== undefined && (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            const c = confirmation;
            onClose();
            void c.run();
          }}
        >
          <h2 id="confirm-title">{confirmation.title}</h2>
          <p>{confirmation.body}</p>
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button
              type="submit"
              className={confirmation.danger === true ? 'btn btn-danger' : 'btn btn-primary'}
              autoFocus
            >
              {confirmation.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
