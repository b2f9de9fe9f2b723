/**
 * DOCX (the `docx` package) and HTML renderings of a document model, laid out after GB/T 9704-2012:
 * A4, 版心 156 mm × 225 mm, 22 lines of 28 characters of 三号仿宋 at an exact line pitch, zh-CN
 * language tags (so viewers without 仿宋/小标宋 fall back to Chinese serif faces), the 发文机关标志 on
 * one line, page numbers "— 1 —" (odd pages right, even pages left), headings kept with their text,
 * table columns sized to their content, and the 版记 (抄送, 印发机关 and 印发日期) at the end.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  TabStopType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';
import type { DocModel, DocTable } from './model.js';

const RED = 'FF0000';
const LANG = { value: 'zh-CN', eastAsia: 'zh-CN' };
const face = (eastAsia: string) => ({ ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia });
// GB/T 9704 fonts; viewers without them fall back (by the zh-CN tags) to an installed CJK face.
const XIAOBIAOSONG = face('方正小标宋简体');
const FANGSONG = face('仿宋_GB2312');
const HEITI = face('黑体');
const KAITI = face('楷体_GB2312');
const SONG = face('宋体');

/** Twips per millimetre and per point. */
const mm = (v: number) => Math.round(v * 56.7);
const PT = 20;
/** 版心: 156 mm × 225 mm; 22 lines × 28 characters. */
export const TEXT_WIDTH = mm(156);
export const LINES_PER_PAGE = 22;
export const CHARS_PER_LINE = 28;
/** The exact line pitch: 225 mm / 22 lines (≈ 28.9 pt). */
export const LINE_PITCH = Math.floor(mm(225) / LINES_PER_PAGE);
/** 三号 = 16 pt (sizes in half-points below). */
const SANHAO = 32;
const SIHAO = 28;
const XIAOSI = 24;
const WUHAO = 21;
const ERHAO = 44;
const CHAR = 16 * PT; // one 三号 character, for indents

type Align = (typeof AlignmentType)[keyof typeof AlignmentType];

/**
 * Character spacing of the body text (twips): 28 characters of 16 pt fill 156 mm only when each
 * gives up 0.25 pt (28 × 15.75 pt = 441 pt ≤ 442.2 pt). A document grid of characters would do the
 * same in Word, but LibreOffice spreads its characters instead; a spacing works in both.
 */
export const BODY_SPACING = -5;

const exact = (line = LINE_PITCH) => ({ line, lineRule: LineRuleType.EXACT });

const run = (text: string, font = FANGSONG, size = SANHAO, extra: Record<string, unknown> = {}) =>
  new TextRun({ text, font, size, language: LANG, ...extra });

const bodyRun = (text: string, font = FANGSONG) =>
  run(text, font, SANHAO, { characterSpacing: BODY_SPACING });

const body = (text: string, opts: { indent?: boolean; align?: Align } = {}) =>
  new Paragraph({
    alignment: opts.align ?? AlignmentType.JUSTIFIED,
    ...(opts.indent === false ? {} : { indent: { firstLine: 2 * CHAR } }),
    spacing: exact(),
    children: [bodyRun(text)],
  });

const blank = () => new Paragraph({ spacing: exact(), children: [run('')] });

/** Display width of a text in characters: CJK and full-width 1, others about half. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2E80-\uFFEF]/.test(ch) ? 1 : 0.55;
  return w;
}

/**
 * Column widths (twips) from their content: each column gets the width of its longest cell (headers
 * may wrap after 4 characters), the rest of the 版心 is shared out; a table too wide for the page is
 * set a size smaller.
 */
export function columnWidths(t: DocTable): { widths: number[]; size: number } {
  for (const size of [XIAOSI, WUHAO]) {
    const charTw = (size / 2) * PT;
    const need = t.columns.map((c, i) => {
      const data = Math.max(0, ...t.rows.map((r) => textWidth(r[i] ?? '')));
      return Math.ceil(Math.max(data, Math.min(textWidth(c), 4)) * charTw) + 230;
    });
    const sum = need.reduce((a, b) => a + b, 0);
    if (sum <= TEXT_WIDTH || size === WUHAO) {
      const extra = Math.max(0, TEXT_WIDTH - sum);
      const widths = need.map((n) =>
        Math.floor(sum > TEXT_WIDTH ? (n * TEXT_WIDTH) / sum : n + (extra * n) / sum),
      );
      return { widths, size };
    }
  }
  throw new Error('unreachable');
}

function table(t: DocTable): Table {
  const { widths, size } = columnWidths(t);
  const cell = (text: string, width: number, strong: boolean) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      margins: { left: 57, right: 57, top: 45, bottom: 45 },
      children: [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          // an exact line of the table's size overrides the page's line grid
          spacing: exact(Math.round((size / 2) * PT * 1.5)),
          children: [run(text, strong ? HEITI : FANGSONG, size, { snapToGrid: false })],
        }),
      ],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: t.columns.map((c, i) => cell(c, widths[i]!, true)),
      }),
      ...t.rows.map(
        (r, ri) =>
          new TableRow({
            cantSplit: true,
            children: r.map((c, i) => cell(c, widths[i]!, t.strongRows?.includes(ri) ?? false)),
          }),
      ),
    ],
  });
}

/** The 发文机关标志's size: as large as fits the 版心 on one line (at most 36 pt). */
export function headSizeHalfPoints(head: string): number {
  const pt = Math.min(36, Math.floor((156 / 0.3528 / Math.max(1, textWidth(head))) * 0.96));
  return pt * 2;
}

const rule = (color: string, size: number) => ({ style: BorderStyle.SINGLE, color, size, space: 4 });

/** Characters of 二号 on a line of the 版心. */
const TITLE_CHARS = Math.floor(156 / 0.3528 / 22);

/**
 * The title's lines: a title longer than a line breaks before its subject (重污染天气…, 关于…的 tail)
 * rather than inside a word, where such a break leaves both lines within the width.
 */
export function titleLines(title: string): string[] {
  if (textWidth(title) <= TITLE_CHARS) return [title];
  const candidates: number[] = [];
  for (const marker of ['重污染天气', '预警', '应对工作', '工作情况', '未按时']) {
    for (let i = title.indexOf(marker); i > 0; i = title.indexOf(marker, i + 1)) candidates.push(i);
  }
  const fits = candidates
    .filter((i) => textWidth(title.slice(0, i)) <= TITLE_CHARS && textWidth(title.slice(i)) <= TITLE_CHARS)
    .sort((a, b) => b - a);
  const at = fits[0];
  return at === undefined ? [title] : [title.slice(0, at), title.slice(at)];
}

const titleRuns = (title: string) =>
  titleLines(title).map((line, i) => run(line, XIAOBIAOSONG, ERHAO, i > 0 ? { break: 1 } : {}));

function headBlock(model: DocModel): Paragraph[] {
  const out: Paragraph[] = [];
  const top: TextRun[] = [];
  if (model.urgency) top.push(run(model.urgency, HEITI));
  if (model.exercise) top.push(run(`${top.length ? '　' : ''}【演练】`, HEITI, SANHAO, { color: RED }));
  if (top.length) out.push(new Paragraph({ spacing: exact(), children: top }));
  const headSize = headSizeHalfPoints(model.head);
  out.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: {
        before: model.form === 'red-head' ? mm(10) : mm(4),
        after: mm(4),
        ...exact(Math.round(headSize * 12)),
      },
      keepNext: true,
      keepLines: true,
      children: [run(model.head, XIAOBIAOSONG, headSize, { color: RED })],
    }),
  );
  if (model.form === 'briefing') {
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: exact(),
        children: [run(model.documentNumber)],
      }),
      new Paragraph({
        spacing: exact(),
        tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
        border: { bottom: rule(RED, 18) },
        children: [run(model.issuer), run(`\t${model.date}`)],
      }),
    );
  } else if (model.signer) {
    // 上行文: 发文字号 left (空一字), 签发人 right (空一字), on the same line
    out.push(
      new Paragraph({
        spacing: exact(),
        indent: { left: CHAR, right: CHAR },
        tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH - 2 * CHAR }],
        border: { bottom: rule(RED, 18) },
        children: [run(model.documentNumber), run('\t签发人：'), run(model.signer, KAITI)],
      }),
    );
  } else {
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: exact(),
        border: { bottom: rule(RED, 18) },
        children: [run(model.documentNumber)],
      }),
    );
  }
  out.push(
    blank(),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: exact(Math.round(LINE_PITCH * 1.25)),
      keepNext: true,
      children: titleRuns(model.title),
    }),
    blank(),
  );
  if (model.addressees) out.push(body(model.addressees, { indent: false, align: AlignmentType.LEFT }));
  return out;
}

function signature(model: DocModel): Paragraph[] {
  if (model.form === 'briefing') return [];
  // 成文日期右空四字; 署名 centred over it
  const dateTw = textWidth(model.date) * CHAR;
  const issuerTw = textWidth(model.issuer) * CHAR;
  const issuerRight = Math.max(0, 4 * CHAR + (dateTw - issuerTw) / 2);
  return [
    blank(),
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      indent: { right: Math.round(issuerRight) },
      spacing: exact(),
      keepNext: true,
      children: [run(model.issuer)],
    }),
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      indent: { right: 4 * CHAR },
      spacing: exact(),
      children: [run(model.date)],
    }),
  ];
}

/**
 * 版记: 抄送 (or 报 for a briefing), 印发机关 and 印发日期, between black rules as wide as the 版心
 * (thick first and last, thin between); the texts 空一字 at both ends.
 */
function colophon(model: DocModel): Paragraph[] {
  const thick = rule('000000', 8);
  const thin = rule('000000', 4);
  const ccLabel = model.form === 'briefing' ? '报：' : '抄送：';
  const size = SIHAO;
  const out: Paragraph[] = [blank()];
  if (model.cc.length > 0) {
    out.push(
      new Paragraph({
        spacing: exact(),
        keepNext: true,
        keepLines: true,
        border: { top: thick, bottom: thin },
        children: [run(`　${ccLabel}${model.cc.join('，')}。`, FANGSONG, size)],
      }),
    );
  }
  out.push(
    new Paragraph({
      spacing: exact(),
      tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH - (size / 2) * PT }],
      keepLines: true,
      border: { ...(model.cc.length > 0 ? {} : { top: thick }), bottom: thick },
      children: [
        run(`　${model.printedBy}`, FANGSONG, size),
        run(`\t${model.printedOn}印发`, FANGSONG, size),
      ],
    }),
  );
  return out;
}

const pageNumber = (align: Align) =>
  new Footer({
    children: [
      new Paragraph({
        alignment: align,
        indent: align === AlignmentType.RIGHT ? { right: CHAR } : { left: CHAR },
        children: [
          new TextRun({
            children: ['— ', PageNumber.CURRENT, ' —'],
            font: SONG,
            size: SIHAO,
            language: LANG,
          }),
        ],
      }),
    ],
  });

export async function renderDocx(model: DocModel): Promise<Buffer> {
  const children: Array<Paragraph | Table> = [...headBlock(model)];
  for (const s of model.sections) {
    if (s.heading) {
      children.push(
        new Paragraph({
          indent: { firstLine: 2 * CHAR },
          spacing: exact(),
          keepNext: true,
          keepLines: true,
          children: [bodyRun(s.heading, HEITI)],
        }),
      );
    }
    s.paragraphs.forEach((p, i) => {
      const para = body(p);
      // the paragraph that introduces a table stays with it
      if (s.table && i === s.paragraphs.length - 1) {
        children.push(
          new Paragraph({
            alignment: AlignmentType.JUSTIFIED,
            indent: { firstLine: 2 * CHAR },
            spacing: exact(),
            keepNext: true,
            children: [bodyRun(p)],
          }),
        );
      } else children.push(para);
    });
    if (s.table) children.push(table(s.table));
    for (const p of s.after ?? []) children.push(body(p));
  }
  children.push(...signature(model), ...colophon(model));
  const doc = new Document({
    creator: model.issuer,
    title: model.title,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        // 22 lines a page by the exact line pitch of every paragraph (also what the office types in
        // Word or WPS: the default paragraph has it); no document grid, which LibreOffice would also
        // force on table rows. 28 characters a line come from the character spacing (BODY_SPACING).
        document: {
          run: { font: FANGSONG, size: SANHAO, language: LANG },
          paragraph: { spacing: exact() },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(210), height: mm(297) },
            margin: {
              top: mm(37),
              bottom: mm(35),
              left: mm(28),
              right: mm(26),
              footer: mm(21),
              header: mm(15),
            },
          },
        },
        footers: { default: pageNumber(AlignmentType.RIGHT), even: pageNumber(AlignmentType.LEFT) },
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
  const top = [model.urgency, model.exercise ? '【演练】' : undefined].filter(Boolean);
  if (top.length) parts.push(`<p class="exercise">${escapeHtml(top.join('　'))}</p>`);
  parts.push(`<h1 class="red-head">${escapeHtml(model.head)}</h1>`);
  if (model.form === 'briefing') {
    parts.push(
      `<p class="doc-number">${escapeHtml(model.documentNumber)}</p>`,
      `<p class="briefing-line red-rule"><span>${escapeHtml(model.issuer)}</span><span>${escapeHtml(model.date)}</span></p>`,
    );
  } else if (model.signer) {
    parts.push(
      `<p class="doc-number signed red-rule"><span>${escapeHtml(model.documentNumber)}</span><span>签发人：<span class="signer">${escapeHtml(model.signer)}</span></span></p>`,
    );
  } else parts.push(`<p class="doc-number red-rule">${escapeHtml(model.documentNumber)}</p>`);
  parts.push(`<h2 class="title">${escapeHtml(model.title)}</h2>`);
  if (model.addressees) parts.push(`<p class="addressees">${escapeHtml(model.addressees)}</p>`);
  for (const s of model.sections) {
    parts.push('<section>');
    if (s.heading) parts.push(`<h3>${escapeHtml(s.heading)}</h3>`);
    for (const p of s.paragraphs) parts.push(`<p>${escapeHtml(p)}</p>`);
    if (s.table) {
      const { widths } = columnWidths(s.table);
      const total = widths.reduce((a, b) => a + b, 0);
      parts.push(
        '<table><colgroup>',
        ...widths.map((w) => `<col style="width:${((w / total) * 100).toFixed(1)}%">`),
        '</colgroup><thead><tr>',
        ...s.table.columns.map((c) => `<th>${escapeHtml(c)}</th>`),
        '</tr></thead><tbody>',
        ...s.table.rows.map(
          (r, ri) =>
            `<tr${s.table?.strongRows?.includes(ri) ? ' class="total"' : ''}>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`,
        ),
        '</tbody></table>',
      );
    }
    for (const p of s.after ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
    parts.push('</section>');
  }
  if (model.form !== 'briefing') {
    parts.push(
      `<p class="issuer">${escapeHtml(model.issuer)}</p>`,
      `<p class="date">${escapeHtml(model.date)}</p>`,
    );
  }
  const ccLabel = model.form === 'briefing' ? '报：' : '抄送：';
  parts.push(
    '<footer class="colophon">',
    model.cc.length ? `<p class="cc">${ccLabel}${escapeHtml(model.cc.join('，'))}。</p>` : '',
    `<p class="printed"><span>${escapeHtml(model.printedBy)}</span><span>${escapeHtml(model.printedOn)}印发</span></p>`,
    '</footer>',
  );
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escapeHtml(model.title)}</title>
<style>
body { max-width: 156mm; margin: 2em auto; font-family: FangSong, "仿宋_GB2312", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 16pt; line-height: 28.9pt; }
.red-head { color: #d00; text-align: center; white-space: nowrap; font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: ${headSizeHalfPoints(model.head) / 2}pt; font-weight: normal; margin: 0.5em 0; }
.doc-number { text-align: center; margin: 0; }
.signed, .briefing-line, .printed { display: flex; justify-content: space-between; margin: 0; }
.signed { padding: 0 1em; }
.signer { font-family: KaiTi, "楷体_GB2312", serif; }
.red-rule { border-bottom: 2px solid #d00; padding-bottom: 4mm; margin-bottom: 1.2em; }
.title { text-align: center; font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: 22pt; font-weight: normal; line-height: 1.4; }
.exercise { color: #d00; font-family: SimHei, "黑体", sans-serif; margin: 0; }
h3 { font-family: SimHei, "黑体", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal; text-indent: 2em; margin: 0; break-after: avoid; page-break-after: avoid; }
section p { text-indent: 2em; margin: 0; }
.addressees { margin: 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 12pt; line-height: 1.4; margin: 0.3em 0; }
th, td { border: 1px solid #333; padding: 2px 4px; text-align: center; }
th { font-family: SimHei, "黑体", sans-serif; font-weight: normal; }
tr { break-inside: avoid; page-break-inside: avoid; }
tr.total td { font-family: SimHei, "黑体", sans-serif; }
.issuer, .date { text-align: right; margin: 0; padding-right: 4em; }
.issuer { margin-top: 2em; }
.colophon { margin-top: 2em; font-size: 14pt; border-top: 1.5px solid #000; border-bottom: 1.5px solid #000; break-inside: avoid; page-break-inside: avoid; }
.colophon p { margin: 0; padding: 0 1em; }
.colophon .cc { border-bottom: 1px solid #000; }
@media print {
  @page { size: A4; margin: 37mm 26mm 35mm 28mm; }
  body { max-width: none; margin: 0; }
}
</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}
