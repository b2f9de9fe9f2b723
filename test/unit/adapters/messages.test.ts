import { describe, expect, it } from 'vitest';
import {
  composeMessage,
  formatCstChinese,
  markExercise,
  messageKey,
  warningVars,
} from '../../../src/adapters/notification/index.js';
import { aqiCategory } from '../../../src/domain/aqi.js';
import { defaultPlan } from '../../../src/domain/plans/chaoyang-2024.js';
import { renderPlanTemplate, templateVariables } from '../../../src/domain/templates.js';

const effectiveMs = Date.parse('2026-11-29T12:00:00+08:00');
const facts = {
  plan: defaultPlan,
  jurisdictionId: 'chaoyang',
  level: 'orange' as const,
  previousLevel: 'yellow' as const,
  effectiveMs,
  forecastMaxAqi: 320,
  forecastSummary: '11月29日至12月2日我市将出现持续重污染过程',
  summaryDueMs: Date.parse('2026-12-04T10:00:00+08:00'),
};

describe('messages from the plan templates', () => {
  it('formats CST times the Chinese way', () => {
    expect(formatCstChinese(effectiveMs)).toBe('2026年11月29日12时');
    expect(formatCstChinese(Date.parse('2026-11-29T23:30:00+08:00'))).toBe('2026年11月29日23时30分');
    expect(formatCstChinese(Date.parse('2026-11-29T20:05:00Z'))).toBe('2026年11月30日4时05分');
  });

  it('warning variables fill every placeholder of the warning templates', () => {
    const vars = warningVars(facts);
    for (const key of ['warningIssued', 'warningChanged', 'warningLifted', 'publicWarning']) {
      const t = defaultPlan.templates[key]!;
      for (const name of [...templateVariables(t.title), ...templateVariables(t.body)])
        expect(vars).toHaveProperty(name);
    }
  });

  it('renders warningIssued', () => {
    const m = renderPlanTemplate(defaultPlan, 'warningIssued', warningVars(facts));
    expect(m.title).toBe('关于启动重污染天气橙色预警的通知');
    expect(m.body).toBe(
      '各有关单位：经会商研判，根据指挥长指令，朝阳市自2026年11月29日12时起启动重污染天气橙色预警，执行Ⅱ级应急响应，' +
        '主要大气污染物减排比例不低于20%。请按照《朝阳市生态环境系统重污染天气应急响应专项实施方案》（朝环发〔2024〕43号）' +
        '落实相应职责，每日17时前报送工作开展情况及影像资料。',
    );
  });

  it('renders warningChanged with the previous level', () => {
    const m = renderPlanTemplate(defaultPlan, 'warningChanged', warningVars(facts));
    expect(m.title).toBe('关于调整重污染天气预警级别的通知');
    expect(m.body).toContain('将重污染天气预警由黄色预警调整为橙色预警，执行Ⅱ级应急响应');
  });

  it('renders warningLifted with the summary deadline', () => {
    const m = renderPlanTemplate(defaultPlan, 'warningLifted', warningVars(facts));
    expect(m.title).toBe('关于解除重污染天气橙色预警的通知');
    expect(m.body).toContain('请各报送单位于12月4日10时前报送污染过程应对工作总结');
  });

  it('renders publicWarning with the health advice of the worst forecast day', () => {
    const m = renderPlanTemplate(defaultPlan, 'publicWarning', warningVars(facts));
    const severe = aqiCategory(320);
    expect(severe.name).toBe('严重污染');
    expect(m.title).toBe('朝阳市重污染天气橙色预警');
    expect(m.body).toBe(
      `据预报，${facts.forecastSummary}。朝阳市自2026年11月29日12时起启动重污染天气橙色预警，执行Ⅱ级应急响应。` +
        `健康防护提示：${severe.healthEffects}；${severe.advice}。`,
    );
  });

  it('composes the reminder and escalation messages with their keys', () => {
    const vars = {
      unitName: '北票分局',
      itemLabel: '11月29日工作日报',
      dueAt: '2026年11月29日17时',
      targetName: '专班办公室主任',
      overdueHours: 1,
    };
    const reminder = composeMessage({
      plan: defaultPlan,
      templateKey: 'reportReminder',
      vars,
      episodeId: 'ep-1',
      step: 'remind:1:branch.beipiao',
      recipientId: 'branch.beipiao',
      exercise: false,
    });
    expect(reminder.idempotencyKey).toBe(messageKey('ep-1', 'remind:1:branch.beipiao', 'branch.beipiao'));
    expect(reminder.title).toBe('报送提醒：11月29日工作日报');
    expect(reminder.body).toBe(
      '北票分局：11月29日工作日报应于2026年11月29日17时前报送，目前尚未收到，请立即报送。',
    );
    const esc = composeMessage({
      plan: defaultPlan,
      templateKey: 'escalationDirector',
      vars,
      episodeId: 'ep-1',
      step: 'esc:1',
      recipientId: 'office.director',
      exercise: true,
    });
    expect(esc.body).toContain('现逾期1小时，请督促');
    expect(markExercise(esc).title).toBe('【演练】逾期未报：北票分局');
    expect(markExercise(markExercise(esc)).body.startsWith('【演练】专班办公室主任')).toBe(true);
    expect(() =>
      composeMessage({
        plan: defaultPlan,
        templateKey: 'reportReminder',
        vars: {},
        episodeId: 'e',
        step: 's',
        recipientId: 'r',
        exercise: false,
      }),
    ).toThrow(/unitName|itemLabel/);
  });
});
