import type { CreatedApiKey } from '@ultra/contracts';
import { useEffect, useId, useRef, useState } from 'react';
import { Button } from '../../components/ui';

/**
 * The one time a new API key is on screen: the server keeps only its hash. Focus lands here so a screen-reader user
 * hears the warning; "Done" forgets it.
 */
export function NewApiKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const id = useId();
  const boxRef = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  useEffect(() => boxRef.current?.focus(), []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('yes');
    } catch {
      // Clipboard access can be refused (permissions, insecure origin); the field stays there to copy by hand.
      setCopied('failed');
    }
  };

  return (
    <div ref={boxRef} tabIndex={-1} className="card new-key" role="region" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Your new API key “{created.name}”</h3>
      <p className="status-warn" id={`${id}-warning`}>
        <strong>Copy this key now: it will not be shown again.</strong> Store it like a password; anyone holding it can
        act with its scopes ({created.scopes.join(', ')}).
      </p>
      <div className="field">
        <label htmlFor={`${id}-key`}>New API key</label>
        <input
          id={`${id}-key`}
          className="key-value"
          readOnly
          value={created.key}
          aria-describedby={`${id}-warning`}
          onFocus={(e) => e.target.select()}
        />
      </div>
      <div className="button-row">
        <Button onClick={() => void copy()}>Copy</Button>
        <Button variant="secondary" onClick={onDone}>
          Done
        </Button>
      </div>
      <p role="status" aria-live="polite" className="hint">
        {copied === 'yes' && 'Copied to the clipboard.'}
        {copied === 'failed' && 'Could not copy: select the key and copy it by hand.'}
      </p>
    </div>
  );
}
