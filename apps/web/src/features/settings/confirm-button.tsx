import { useEffect, useRef, useState } from 'react';
import { Button } from '../../components/ui';

interface ConfirmButtonProps {
  /** The first button's text, e.g. "Revoke". */
  label: string;
  /** The first button's accessible name when its text alone is ambiguous in a list ("Revoke CI key"). */
  accessibleLabel?: string;
  /** The question asked before acting, e.g. "Revoke the key CI? Programs using it stop working at once." */
  question: string;
  /** The confirming button's text. */
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
}

/**
 * A destructive action asked about in place rather than in window.confirm, so it is styled, announced and
 * testable. Focus goes to Cancel, the safe choice, and comes back to the first button when cancelled.
 */
export function ConfirmButton({ label, accessibleLabel, question, confirmLabel, busy, onConfirm }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);

  useEffect(() => {
    if (asking) cancelRef.current?.focus();
    else if (wasAsking.current) openerRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={openerRef}
        type="button"
        className="btn btn-danger"
        aria-label={accessibleLabel}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <div className="inline-confirm" role="group" aria-label={accessibleLabel ?? label}>
      <p>{question}</p>
      <div className="button-row">
        <Button variant="danger" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
        <button ref={cancelRef} type="button" className="btn btn-secondary" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
