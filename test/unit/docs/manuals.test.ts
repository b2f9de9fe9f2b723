/** The Chinese manuals stay true: one per role, every screenshot and page they cite exists. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DOCS = fileURLToPath(new URL('../../../docs', import.meta.url));
const MANUALS = path.join(DOCS, '用户操作手册');
const ROLE_MANUALS = ['专班办公室', '指挥长', '责任单位', '专班领导', '审计', '系统管理员'];

const markdownFiles = () => [
  path.join(DOCS, '部署与运维手册.md'),
  ...readdirSync(MANUALS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(MANUALS, f)),
];

/** Local targets of `![alt](x)` and `[text](x)` links (not http:, not #anchors). */
function localLinks(file: string): Array<{ image: boolean; target: string }> {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(!?)\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map((m) => ({ image: m[1] === '!', target: m[2]! }))
    .filter((l) => !/^[a-z]+:/i.test(l.target) && !l.target.startsWith('#'));
}

describe('manuals', () => {
  it('there is a user manual per role, each showing the console', () => {
    for (const role of ROLE_MANUALS) {
      const file = path.join(MANUALS, `${role}.md`);
      expect(existsSync(file), role).toBe(true);
      expect(
        localLinks(file).some((l) => l.image),
        `${role} cites a screenshot`,
      ).toBe(true);
    }
  });

  it('every screenshot and page a manual cites exists', () => {
    const cited: string[] = [];
    for (const file of markdownFiles()) {
      for (const link of localLinks(file)) {
        const target = path.resolve(path.dirname(file), decodeURI(link.target));
        expect(existsSync(target), `${path.relative(DOCS, file)} → ${link.target}`).toBe(true);
        if (link.image) {
          expect(target, link.target).toMatch(/\.png$/);
          expect(readFileSync(target).subarray(1, 4).toString(), link.target).toBe('PNG');
          cited.push(target);
        }
      }
    }
    expect(cited.length).toBeGreaterThanOrEqual(10);
  });

  it('the operations manual covers compose, backups, upgrades, certificates and monitoring', () => {
    const ops = readFileSync(path.join(DOCS, '部署与运维手册.md'), 'utf8');
    for (const heading of ['docker compose', '证书', '备份', '升级', '监控']) {
      expect(ops, heading).toMatch(new RegExp(`^## \\d+\\. .*${heading}`, 'm'));
    }
  });
});
