import createDOMPurify from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

// Model answers are untrusted: raw HTML in them is shown as text, never as markup.
const marked = new Marked({ gfm: true, renderer: { html: ({ text }) => escapeHtml(text) } });

// A private DOMPurify instance, so this hook does not change how the rest of the app sanitizes.
const purify = createDOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) node.setAttribute('rel', 'noopener noreferrer');
});

/** Markdown to HTML that is safe to insert: raw HTML escaped, then sanitized (scripts, handlers, js: URLs). */
export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false });
  return purify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input'] });
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div
      className={`markdown ${className ?? ''}`}
      // Sanitized above: the only HTML this component ever inserts.
      dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }}
    />
  );
}
