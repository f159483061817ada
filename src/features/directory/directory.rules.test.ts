/** Pure rules of the directory's documents (R51): a PDF is known by its bytes, its download name is safe. */
import { describe, expect, it } from 'vitest';
import { attachmentDisposition, checkPdf, documentFileName, documentTitle } from './directory.rules.js';
import { buildPdf } from '../../../test/pdf.js';

describe('R51 documents are checked by content', () => {
  it('R51 a whole PDF is a PDF; a cut one is truncated; anything else is not a PDF, whatever it claims', () => {
    const pdf = buildPdf();
    expect(checkPdf(pdf)).toBe('pdf');
    expect(checkPdf(Buffer.concat([pdf, Buffer.from('\r\n\r\n')]))).toBe('pdf');
    expect(checkPdf(pdf.subarray(0, pdf.length - 10))).toBe('truncated');
    // The end-of-file marker counts only near the end, where readers look for it.
    expect(checkPdf(Buffer.concat([Buffer.from('%PDF-1.4\n%%EOF\n'), Buffer.alloc(2000, 0x41)]))).toBe('truncated');
    expect(checkPdf(Buffer.concat([Buffer.from('MZ\x90\x00'), pdf]))).toBe('not-pdf');
    expect(checkPdf(Buffer.concat([Buffer.from(' '), pdf]))).toBe('not-pdf');
    expect(checkPdf(Buffer.from('%PDF-%%EOF'))).toBe('not-pdf');
    expect(checkPdf(Buffer.from('%PDF-9.9 ............ %%EOF'))).toBe('not-pdf');
    expect(checkPdf(Buffer.alloc(0))).toBe('not-pdf');
  });

  it('R51 the download name keeps letters and drops folders, control and quoting characters, always .pdf', () => {
    expect(documentFileName('C:\\Users\\moi\\Livret d’accueil.PDF', '')).toBe('Livret d’accueil.pdf');
    expect(documentFileName('../../etc/passwd', '')).toBe('passwd.pdf');
    expect(documentFileName('rapport.exe', '')).toBe('rapport.exe.pdf');
    expect(documentFileName('a"b\r\n<c>.pdf', '')).toBe('a_b_c_.pdf');
    expect(documentFileName('...', 'Projet d’établissement')).toBe('Projet d’établissement.pdf');
    expect(documentFileName(undefined, '')).toBe('document.pdf');
    expect(documentFileName('x'.repeat(300), '').length).toBe(124);
  });

  it('R51 the title is the one typed, else the file name; 200 characters at most', () => {
    expect(documentTitle('  Plan   d’accès ', 'plan.pdf')).toEqual({ ok: true, value: 'Plan d’accès' });
    expect(documentTitle('', 'Livret.pdf')).toEqual({ ok: true, value: 'Livret' });
    expect(documentTitle('x'.repeat(201), 'a.pdf')).toEqual({ ok: false });
  });

  it('R51 a download is an attachment, its exact name in RFC 5987 form and an ASCII fallback', () => {
    expect(attachmentDisposition('Projet d’établissement (2026).pdf')).toBe(
      `attachment; filename="Projet d_etablissement (2026).pdf"; filename*=UTF-8''Projet%20d%E2%80%99%C3%A9tablissement%20%282026%29.pdf`,
    );
  });
});
