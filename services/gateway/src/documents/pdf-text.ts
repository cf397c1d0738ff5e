import { extractText, getDocumentProxy } from 'unpdf';

export type PdfText = { ok: true; pages: string[] } | { ok: false; reason: string };

/** pdf.js names its failures by class; these are the caller's file, not our fault. */
const UNREADABLE: Record<string, string> = {
  PasswordException: 'the PDF is encrypted (password-protected); upload an unprotected copy',
  InvalidPDFException: 'the PDF is damaged or not a PDF',
  MissingPDFException: 'the PDF is empty',
  FormatError: 'the PDF is damaged',
  UnknownErrorException: 'the PDF could not be read',
};

/**
 * Each page's text, through unpdf (pdf.js). A file that pdf.js cannot open is reported with the reason, never
 * thrown: an unreadable upload is the caller's 415, not a 500.
 */
export async function pdfText(bytes: Buffer): Promise<PdfText> {
  try {
    // pdf.js takes ownership of (and detaches) the buffer it gets, so it gets a copy. verbosity 0: no console noise.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    try {
      const { text } = await extractText(pdf, { mergePages: false });
      return { ok: true, pages: text };
    } finally {
      await pdf.loadingTask.destroy();
    }
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `${UNREADABLE[name] ?? 'the PDF could not be read'} (${detail})` };
  }
}
