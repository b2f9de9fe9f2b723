/** DOCX (the `docx` package) and HTML renderings of a document model. */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { DocModel } from './model.js';

const RED = 'FF0000';
// GB/T 9704 fonts; viewers without them fall back to an installed CJK font.
const XIAOBIAOSONG = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '方正小标宋简体' };
const FANGSONG = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '仿宋_GB2312' };
const HEITI = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '黑体' };
/** Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt. */
const ERHAO = 44;
const SANHAO = 32;
const SIHAO = 28;
const mm = (v: number) => Math.round(v * 56.7);

const body = (
  text: string,
  opts: { indent?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {},
) =>
  new Paragraph({
    alignment: opts.align ?? AlignmentType.JUSTIFIED,
    indent: opts.indent === false ? undefined : { firstLine: 640 },
    spacing: { line: 560 },
    children: [new TextRun({ text, font: FANGSONG, size: SANHAO })],
  });

function table(t: { columns: string[]; rows: string[][] }): Table {
  const cell = (text: string, header: boolean) =>
    new TableCell({
      children: [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [new TextRun({ text, font: header ? HEITI : FANGSONG, size: SIHAO, bold: header })],
        }),
      ],
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: t.columns.map((c) => cell(c, true)) }),
      ...t.rows.map((r) => new TableRow({ children: r.map((c) => cell(c, false)) })),
    ],
  });
}

export async function renderDocx(model: DocModel): Promise<Buffer> {
  const children: Array<Paragraph | Table> = [];
  if (model.exercise) {
    children.push(
      new Paragraph({
        alignment: AlignmentType.LEFT,
        children: [new TextRun({ text: '【演练】', font: HEITI, size: SANHAO, color: RED })],
      }),
    );
  }
  children.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 240, after: 480 },
      children: [new TextRun({ text: model.redHead, font: XIAOBIAOSONG, size: 60, color: RED, bold: true })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 8 } },
      spacing: { after: 480 },
      children: [new TextRun({ text: model.documentNumber, font: FANGSONG, size: SANHAO })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 240, after: 480, line: 640 },
      children: [new TextRun({ text: model.title, font: XIAOBIAOSONG, size: ERHAO })],
    }),
    body(model.addressees, { indent: false, align: AlignmentType.LEFT }),
  );
  for (const s of model.sections) {
    children.push(
      new Paragraph({
        indent: { firstLine: 640 },
        spacing: { line: 560 },
        children: [new TextRun({ text: s.heading, font: HEITI, size: SANHAO })],
      }),
    );
    for (const p of s.paragraphs) children.push(body(p));
    if (s.table) children.push(table(s.table), new Paragraph({ children: [] }));
  }
  children.push(
    new Paragraph({ children: [] }),
    body(model.issuer, { indent: false, align: AlignmentType.RIGHT }),
    body(model.date, { indent: false, align: AlignmentType.RIGHT }),
  );
  const doc = new Document({
    creator: model.issuer,
    title: model.title,
    styles: { default: { document: { run: { font: FANGSONG, size: SANHAO } } } },
    sections: [
      {
        properties: {
          page: { margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) } },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderHtml(model: DocModel): string {
  const parts: string[] = [];
  if (model.exercise) parts.push('<p class="exercise">【演练】</p>');
  parts.push(
    `<h1 class="red-head">${escapeHtml(model.redHead)}</h1>`,
    `<p class="doc-number">${escapeHtml(model.documentNumber)}</p>`,
    '<hr class="red-rule">',
    `<h2 class="title">${escapeHtml(model.title)}</h2>`,
    `<p class="addressees">${escapeHtml(model.addressees)}</p>`,
  );
  for (const s of model.sections) {
    parts.push(`<section><h3>${escapeHtml(s.heading)}</h3>`);
    for (const p of s.paragraphs) parts.push(`<p>${escapeHtml(p)}</p>`);
    if (s.table) {
      parts.push(
        '<table><thead><tr>',
        ...s.table.columns.map((c) => `<th>${escapeHtml(c)}</th>`),
        '</tr></thead><tbody>',
        ...s.table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`),
        '</tbody></table>',
      );
    }
    parts.push('</section>');
  }
  parts.push(
    `<p class="issuer">${escapeHtml(model.issuer)}</p>`,
    `<p class="date">${escapeHtml(model.date)}</p>`,
  );
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escapeHtml(model.title)}</title>
<style>
body { max-width: 156mm; margin: 2em auto; font-family: FangSong, "仿宋_GB2312", "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 1.75; }
.red-head { color: #d00; text-align: center; font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: 30pt; letter-spacing: 0.1em; margin: 0.5em 0; }
.doc-number { text-align: center; margin: 0; }
.red-rule { border: 0; border-top: 2px solid #d00; margin: 0.3em 0 1.2em; }
.title { text-align: center; font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: 22pt; font-weight: normal; }
.exercise { color: #d00; font-weight: bold; }
h3 { font-family: SimHei, "黑体", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal; text-indent: 2em; margin: 0.6em 0 0; }
section p { text-indent: 2em; margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 12pt; margin: 0.5em 0; }
th, td { border: 1px solid #333; padding: 2px 6px; text-align: center; }
.issuer, .date { text-align: right; margin: 0; }
.issuer { margin-top: 2em; }
</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}
