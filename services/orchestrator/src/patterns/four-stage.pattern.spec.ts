import { patternDefinition } from './pattern-registry';
import type { StageContext } from './pattern';

const context: StageContext = {
  prompt: 'How do tides work?',
  outputs: {
    initial: [
      { model: 'mock:alpha', text: 'alpha answer' },
      { model: 'mock:beta', text: 'beta answer' },
      { model: 'mock:gamma', text: 'gamma answer' },
    ],
    meta: [
      { model: 'mock:alpha', text: 'alpha review' },
      { model: 'mock:beta', text: 'beta review' },
    ],
    hyper: [
      { model: 'mock:alpha', text: 'alpha revision' },
      { model: 'mock:beta', text: 'beta revision' },
    ],
  },
};

describe.each(['confidence', 'critique'] as const)('the %s pattern', (id) => {
  const stages = patternDefinition(id).stages;
  const stage = (name: string) => stages.find((s) => s.name === name)!;

  it('runs initial → meta → hyper → ultra, the last with the ultra model only', () => {
    expect(stages.map((s) => [s.name, s.participants])).toEqual([
      ['initial', 'all'],
      ['meta', 'all'],
      ['hyper', 'all'],
      ['ultra', 'ultra'],
    ]);
  });

  it('asks the question alone in the initial stage', () => {
    const messages = stage('initial').buildMessages('mock:alpha', context);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[1].content).toBe('## Question\nHow do tides work?');
  });

  it('shows each model its own answer and the others anonymised for review', () => {
    const [message] = stage('meta').buildMessages('mock:beta', context);
    const content = message.content;
    expect(content).toContain('## Your earlier answer\nbeta answer');
    expect(content).toContain('### Response A\nalpha answer');
    expect(content).toContain('### Response B\ngamma answer');
    expect(content).not.toContain('mock:');
    expect(content.match(/beta answer/g)).toHaveLength(1);
  });

  it('revises under the other models’ reviews', () => {
    const [message] = stage('hyper').buildMessages('mock:alpha', context);
    expect(message.content).toContain('## Your review\nalpha review');
    expect(message.content).toContain('## Reviews\n### Response A\nbeta review');
  });

  it('synthesizes every revised answer', () => {
    const [message] = stage('ultra').buildMessages('mock:alpha', context);
    expect(message.content).toContain(
      '## Revised answers to synthesize\n### Response A\nalpha revision\n\n### Response B\nbeta revision',
    );
    expect(message.content).toContain('## Task\n');
  });

  it('says so when a model has no peers left to review', () => {
    const alone: StageContext = { prompt: 'Q', outputs: { initial: [{ model: 'mock:alpha', text: 'only' }] } };
    expect(stage('meta').buildMessages('mock:alpha', alone)[0].content).toContain('(No other model answered.)');
  });
});

it('gives the two patterns different instructions', () => {
  const task = (id: 'confidence' | 'critique') =>
    patternDefinition(id).stages[1].buildMessages('mock:alpha', context)[0].content;
  expect(task('confidence')).toContain('confident');
  expect(task('critique')).toContain('Critique');
});
