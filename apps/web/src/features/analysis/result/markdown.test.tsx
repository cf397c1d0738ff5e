import { render } from '@testing-library/react';
import { expect, it } from 'vitest';
import { Markdown, renderMarkdown } from './markdown';

it('removes a <script> and an onerror attribute, keeping the text readable', () => {
  const { container } = render(
    <Markdown text={'# Title\n\n<script>alert(1)</script>\n\nSee <img src="x" onerror="alert(2)"> here.'} />,
  );
  expect(container.querySelector('h1')).toHaveTextContent('Title');
  expect(container.querySelector('script')).toBeNull();
  expect(container.querySelector('img')).toBeNull();
  expect(container.querySelector('[onerror]')).toBeNull();
  // Raw HTML is shown as text, not run.
  expect(container).toHaveTextContent('<script>alert(1)</script>');
});

it('sanitizes what Markdown itself produces: no javascript: links, and links open without an opener', () => {
  const { container } = render(<Markdown text="[bad](javascript:alert(1)) and [good](https://example.com)" />);
  const links = [...container.querySelectorAll('a')];
  expect(links).toHaveLength(2);
  expect(links.some((a) => (a.getAttribute('href') ?? '').startsWith('javascript:'))).toBe(false);
  const good = links.find((a) => a.textContent === 'good');
  expect(good).toHaveAttribute('href', 'https://example.com');
  expect(good).toHaveAttribute('rel', 'noopener noreferrer');
});

it('keeps no raw HTML at all, even harmless tags', () => {
  expect(renderMarkdown('a <b>bold</b> claim')).toBe('<p>a &lt;b&gt;bold&lt;/b&gt; claim</p>\n');
});

it('renders Markdown structure: lists, code and emphasis', () => {
  const { container } = render(<Markdown text={'- **one**\n- `two`\n\n```\ncode\n```'} />);
  expect(container.querySelectorAll('li')).toHaveLength(2);
  expect(container.querySelector('strong')).toHaveTextContent('one');
  expect(container.querySelector('pre code')).toHaveTextContent('code');
});
