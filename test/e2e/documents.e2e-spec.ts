import type { AnalysisView, AnalyzeAccepted, DocumentList, DocumentView, DocumentWithText } from '@ultra/contracts';
import { FakeOpenAiServer } from '@ultra/fake-llm';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { ApiClient, type ApiResponse } from '../support/api';
import { TestStack } from '../support/stack';

const models = ['openai:gpt-4o-mini', 'openai:gpt-4.1', 'openai:gpt-4o'];
const MAX_BYTES = 200_000;
const BUDGET = 1_000;
type ChatBody = { messages: { role: string; content: string }[] };
type ErrorBody = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

/** A PDF with one line of text per page, made here so the test knows exactly what it holds. */
async function pdfOf(pages: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of pages) pdf.addPage().drawText(text, { x: 50, y: 700, size: 12, font });
  return pdf.save();
}

/** A multipart upload as curl -F would send it; `type` is the declared content type, which must not matter. */
async function upload<T = DocumentView>(
  client: ApiClient,
  files: { name: string; bytes: Uint8Array | string; type?: string }[],
): Promise<ApiResponse<T>> {
  const form = new FormData();
  for (const file of files) {
    const part = typeof file.bytes === 'string' ? file.bytes : new Uint8Array(file.bytes);
    const blob = new Blob([part], { type: file.type ?? 'application/octet-stream' });
    form.append('file', blob, file.name);
  }
  const response = await fetch(`${client.baseUrl}/api/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}` },
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
}

describe('documents: upload, typed by content, and their text in an analysis’ prompts', () => {
  const openai = new FakeOpenAiServer();
  let stack: TestStack;
  let user: ApiClient;
  let other: ApiClient;

  beforeAll(async () => {
    await openai.listen(0);
    openai.reply((req) => ({ text: `${(req.body as { model: string }).model} answers.` }));
    stack = await TestStack.start({
      workers: 1,
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: `${openai.url}/v1`,
        DOCUMENT_MAX_BYTES: String(MAX_BYTES),
        DOCUMENT_TOKEN_BUDGET: String(BUDGET),
      },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
    other = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
    await openai.close();
  });

  /** The user messages the fake vendor received since the last call, in arrival order. */
  function userPrompts(): string[] {
    return openai.requests.map((r) => (r.body as ChatBody).messages.filter((m) => m.role === 'user')[0]?.content ?? '');
  }

  async function analyze(body: Record<string, unknown>): Promise<AnalysisView> {
    openai.requests.length = 0;
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', { models, ...body });
    expect(accepted.status).toBe(202);
    return user.waitForAnalysis(accepted.body.id, 30_000);
  }

  it('extracts the text of each page of a PDF, which is a PDF by its content even when named .txt', async () => {
    const pages = ['The first page speaks of tides.', 'The second page speaks of the moon.'];
    const res = await upload(user, [{ name: 'notes.txt', bytes: await pdfOf(pages), type: 'text/plain' }]);
    expect(res.status).toBe(201);
    const text = `${pages[0]}\n\n${pages[1]}`;
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'notes.txt',
      type: 'pdf',
      pages: 2,
      characters: text.length,
      tokens: Math.ceil(text.length / 4),
      createdAt: expect.any(String),
    });
    const withText = await user.request<DocumentWithText>('GET', `/api/documents/${res.body.id}?include=text`);
    expect(withText.body).toEqual({ ...res.body, text });
    const plain = await user.request<DocumentView>('GET', `/api/documents/${res.body.id}`);
    expect(plain.body).toEqual(res.body);
  });

  it('judges text and Markdown by content, and refuses binary, unreadable and empty files whatever their names', async () => {
    const markdown = await upload(user, [{ name: 'report.pdf', bytes: '# Report\n\n- one\n- two\n' }]);
    expect([markdown.status, markdown.body.type, markdown.body.name]).toEqual([201, 'markdown', 'report.pdf']);
    expect(markdown.body).not.toHaveProperty('pages');
    const text = await upload(user, [{ name: 'a.md', bytes: 'Just a sentence.\nAnd another one.' }]);
    expect(text.body).toMatchObject({ type: 'text', characters: 33, tokens: 9 });

    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const cases: [string, Uint8Array | string, number, string, RegExp][] = [
      ['image.md', png, 415, 'unsupported_media_type', /"image\.md" is not supported: it (is neither|holds binary)/],
      ['broken.pdf', '%PDF-1.4\nnot really a pdf', 415, 'unsupported_media_type', /"broken\.pdf".*the PDF/],
      ['empty.txt', '', 422, 'document_without_text', /"empty\.txt" holds no text: it is empty/],
      ['scan.pdf', await pdfOf(['']), 422, 'document_without_text', /no text layer/],
    ];
    for (const [name, bytes, status, code, message] of cases) {
      const res = await upload<ErrorBody>(user, [{ name, bytes }]);
      expect([name, res.status, res.body.error.code]).toEqual([name, status, code]);
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('refuses a file over DOCUMENT_MAX_BYTES (413), more than one file, and a body that is not multipart', async () => {
    const big = await upload<ErrorBody>(user, [{ name: 'big.txt', bytes: 'a'.repeat(MAX_BYTES + 1) }]);
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringContaining(`${MAX_BYTES}`),
    });
    const atLimit = await upload(user, [{ name: 'limit.txt', bytes: 'a'.repeat(MAX_BYTES) }]);
    expect(atLimit.status).toBe(201);

    const two = await upload<ErrorBody>(user, [
      { name: 'a.txt', bytes: 'one' },
      { name: 'b.txt', bytes: 'two' },
    ]);
    expect(two.status).toBe(400);
    expect(two.body.error.message).toMatch(/exactly one file/);
    const json = await user.request<ErrorBody>('POST', '/api/documents', { text: 'hello' });
    expect([json.status, json.body.error.code]).toEqual([415, 'unsupported_media_type']);
  });

  it('lists the user’s documents newest first, deletes them, and treats another user’s as missing', async () => {
    const first = await upload(other, [{ name: 'first.txt', bytes: 'First.' }]);
    const second = await upload(other, [{ name: 'second.txt', bytes: 'Second.' }]);
    const listed = await other.request<DocumentList>('GET', '/api/documents');
    expect(listed.body.documents.map((d) => d.name)).toEqual(['second.txt', 'first.txt']);
    expect(listed.body.documents[1]).toEqual(first.body);

    for (const path of [`/api/documents/${first.body.id}`, `/api/documents/${first.body.id}?include=text`]) {
      const res = await user.request<ErrorBody>('GET', path);
      expect([res.status, res.body.error.code]).toEqual([404, 'document_not_found']);
    }
    expect((await user.request('DELETE', `/api/documents/${first.body.id}`)).status).toBe(404);
    const mine = await user.request<DocumentList>('GET', '/api/documents');
    expect(mine.body.documents.map((d) => d.id)).not.toContain(first.body.id);
    const refused = await user.request<ErrorBody>('POST', '/api/analyze', {
      prompt: 'q',
      models,
      documentIds: [first.body.id, 'not-an-id'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('unknown_document');
    expect(refused.body.error.details).toEqual([
      { path: 'documentIds.0', message: expect.stringContaining(first.body.id) },
      { path: 'documentIds.1', message: expect.stringContaining('"not-an-id"') },
    ]);

    expect((await other.request('DELETE', `/api/documents/${second.body.id}`)).status).toBe(204);
    expect((await other.request('GET', `/api/documents/${second.body.id}`)).status).toBe(404);
    const after = await other.request<DocumentList>('GET', '/api/documents');
    expect(after.body.documents.map((d) => d.id)).toEqual([first.body.id]);
  });

  it('under the budget, puts the whole text in the first stage’s prompts and records every chunk', async () => {
    const fact = 'The lighthouse keeper’s cat is named Marmalade.';
    const doc = await upload(user, [{ name: 'keeper.md', bytes: `# The keeper\n\n${fact}\n\nHe lives alone.` }]);
    const view = await analyze({ prompt: 'What is the cat called?', pattern: 'critique', documentIds: [doc.body.id] });
    expect(view.status).toBe('completed');
    expect(view.documents).toEqual([
      {
        id: doc.body.id,
        name: 'keeper.md',
        type: 'markdown',
        truncated: false,
        chunks: [{ index: 0, tokens: doc.body.tokens }],
      },
    ]);
    // critique: three initial answers, then critiques, revisions and the synthesis, which build on those answers.
    const prompts = userPrompts();
    expect(prompts).toHaveLength(10);
    const withDocument = prompts.filter((p) => p.includes(fact));
    expect(withDocument).toHaveLength(3);
    for (const prompt of withDocument) {
      expect(prompt).toMatch(/^## Documents\n\n[^\n]+\n\n### keeper\.md\n\n# The keeper\n\n/);
      expect(prompt.endsWith('What is the cat called?')).toBe(true);
    }

    const rerun = await user.request<AnalyzeAccepted>('POST', `/api/analyses/${view.id}/rerun`, { fromStage: 'ultra' });
    expect(rerun.status).toBe(202);
    const again = await user.waitForAnalysis(rerun.body.id, 30_000);
    expect(again.documents).toEqual(view.documents);
  });

  it('over the budget, chooses the chunks most relevant to the question and records them', async () => {
    // Each paragraph is one chunk of about 250 tokens; the one about zebras is the 18th of 30 (index 17).
    const filler = (i: number) =>
      `Section ${i}. ` +
      'The committee reviewed the quarterly budget, the office supplies and the car park. '.repeat(12);
    const zebras =
      'Zebras migrate across the Serengeti every year, following the rains to fresh grass. ' +
      'The great migration of zebras and wildebeest covers hundreds of kilometres. '.repeat(8);
    const paragraphs = Array.from({ length: 30 }, (_, i) => (i === 17 ? zebras : filler(i)));
    const doc = await upload(user, [{ name: 'minutes.txt', bytes: paragraphs.join('\n\n') }]);
    expect(doc.body.tokens).toBeGreaterThan(3 * BUDGET);

    const view = await analyze({ prompt: 'Why do zebras migrate?', pattern: 'critique', documentIds: [doc.body.id] });
    expect(view.status).toBe('completed');
    const [used] = view.documents ?? [];
    expect(used).toMatchObject({ id: doc.body.id, name: 'minutes.txt', type: 'text', truncated: true });
    const best = [...used.chunks].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
    expect(best).toMatchObject({ index: 17, score: expect.any(Number) });
    expect(best.score).toBeGreaterThan(0);
    expect(used.chunks.reduce((sum, c) => sum + c.tokens, 0)).toBeLessThanOrEqual(BUDGET);
    expect(used.chunks.map((c) => c.index)).toEqual([...used.chunks.map((c) => c.index)].sort((a, b) => a - b));

    const withDocument = userPrompts().filter((p) => p.includes('## Documents'));
    expect(withDocument).toHaveLength(3);
    for (const prompt of withDocument) {
      expect(prompt).toContain('### minutes.txt (excerpts');
      expect(prompt).toContain(zebras.trim());
      expect(prompt).not.toContain('Section 29.');
    }
  });
});
