import { expect, it } from 'vitest';
import { fromYaml, lineOfMessage, lineOfPath, toYaml } from './pattern-yaml';

const spec = {
  id: 'my-critique',
  name: 'My critique',
  description: 'Answer, then: critique',
  params: { rounds: { type: 'integer', default: 2, min: 1, max: 4, description: '' } },
  stages: [
    { id: 'answer', label: 'Answer', kind: 'generate', participants: 'all', prompt: { user: '{{question}}' } },
    {
      id: 'critique',
      label: 'Critique',
      kind: 'generate',
      participants: { models: ['mock:alpha'] },
      prompt: { system: 'Be fair.\nBe brief.', user: 'Question: {{question}}\n\n{{all.answer}}\n' },
      repeat: { times: '$rounds' },
    },
  ],
};

it('writes block YAML with literal blocks for multi-line prompts', () => {
  const yaml = toYaml(spec);
  expect(yaml).toContain('description: "Answer, then: critique"\n');
  expect(yaml).toContain('stages:\n  - id: answer\n    label: Answer\n');
  expect(yaml).toContain('    prompt:\n      system: |-\n        Be fair.\n        Be brief.\n');
  expect(yaml).toContain('      user: |\n        Question: {{question}}\n\n        {{all.answer}}\n');
  expect(yaml).toContain('    participants:\n      models:\n        - mock:alpha\n');
  expect(yaml).toContain('    default: 2\n');
});

it('finds the line of a field the API names, or of its deepest part that exists', () => {
  const yaml = toYaml(spec);
  const lines = yaml.split('\n');
  const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
  expect(lineOfPath(yaml, 'name')).toBe(2);
  expect(lineOfPath(yaml, 'stages.1.prompt.user')).toBe(lineOf('user: |'));
  expect(lineOfPath(yaml, 'stages.1.repeat.times')).toBe(lineOf('times:'));
  expect(lineOfPath(yaml, 'stages.0.label')).toBe(lineOf('label: Answer'));
  expect(lineOfPath(yaml, 'stages.1.options')).toBe(lineOf('- id: critique'));
  expect(lineOfPath(yaml, 'params.rounds.default')).toBe(lineOf('default: 2'));
  expect(lineOfPath(yaml, 'result')).toBeUndefined();
});

it('reads sequences written at their key’s column too', () => {
  const yaml = 'id: x\nstages:\n- id: a\n  label: A\n- id: b\n  label: B\nname: X\n';
  expect(lineOfPath(yaml, 'stages.1.label')).toBe(6);
  expect(lineOfPath(yaml, 'name')).toBe(7);
});

it('is not fooled by comments, quoted keys, flow style or field names inside a prompt', () => {
  const yaml = [
    '# my pattern',
    '"id": x',
    'stages:',
    '  - id: a',
    '    prompt:',
    '      user: |',
    '        label: not a field',
    '    label: A  # the label',
    '  - {id: b, label: B}',
  ].join('\n');
  expect(lineOfPath(yaml, 'id')).toBe(2);
  expect(lineOfPath(yaml, 'stages.0.label')).toBe(8);
  expect(lineOfPath(yaml, 'stages.1.label')).toBe(9);
  expect(lineOfPath(yaml, 'stages.2.label')).toBe(3);
});

it('reads back what it writes, and YAML edited by hand', () => {
  expect(fromYaml(toYaml(spec))).toEqual({ ok: true, document: spec });
  expect(fromYaml('id: x\nstages:\n- id: a\n  prompt: {user: "{{question}}"}\n')).toEqual({
    ok: true,
    document: { id: 'x', stages: [{ id: 'a', prompt: { user: '{{question}}' } }] },
  });
});

it('says why YAML cannot be read, with its line', () => {
  const broken = fromYaml('id: x\n  name: y: z');
  expect(broken.ok).toBe(false);
  expect(!broken.ok && lineOfMessage(broken.message)).toBe(1);
  expect(fromYaml('id: x\nid: y\n')).toMatchObject({ ok: false, message: expect.stringMatching(/unique/i) });
  expect(fromYaml('- just\n- a list\n')).toMatchObject({ ok: false, message: expect.stringContaining('mapping') });
});

it('takes the line of a syntax error from its message', () => {
  expect(lineOfMessage('the YAML body is not valid: line 3, column 5: Implicit keys')).toBe(3);
  expect(lineOfMessage('Implicit keys need to be on a single line at line 4, column 1')).toBe(4);
  expect(lineOfMessage('invalid pattern')).toBeUndefined();
});
