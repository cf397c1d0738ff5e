import { useEffect, useRef, useState } from 'react';
import { Button, ErrorMessage } from '../../components/ui';

/** Delete, then an explicit confirmation in place (no window.confirm, which tests and screen readers handle poorly). */
export function DeletePatternButton({ name, onDelete }: { name: string; onDelete: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const groupRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Focus goes to the choice just offered, so a keyboard user answers it next.
    if (asking) groupRef.current?.querySelector('button')?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <Button variant="danger" onClick={() => setAsking(true)}>
        Delete pattern
      </Button>
    );
  }
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onDelete();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <div ref={groupRef} role="group" aria-label="Confirm deletion" className="card pattern-confirm">
      <p>Delete the pattern “{name}”? Analyses that used it keep their results.</p>
      <ErrorMessage error={error} />
      <Button variant="danger" disabled={busy} onClick={() => void confirm()}>
        Yes, delete
      </Button>{' '}
      <Button variant="secondary" disabled={busy} onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </div>
  );
}
