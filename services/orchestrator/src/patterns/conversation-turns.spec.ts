import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage, GenerateStageSpec, PatternSpecInput } from '@ultra/contracts';
import { parse } from 'yaml';
import { run, stateOf } from '../testing/pattern-state';
import { finishWithResult } from './pattern-result';
import { renderMessages } from './prompt-renderer';
import type { AnalysisState } from './run-state';

const builtin = (id: string) =>
  parse(readFileSync(join(__dirname, '../../../../config/patterns', `${id}.yaml`), 'utf8')) as PatternSpecInput;

const call = { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' };
/** A client's conversation as the compatible API passes it: earlier turns, a tool call and its result. */
const conversation: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello!' },
  { role: 'user', content: 'Weather in Paris?' },
  { role: 'assistant', content: '', toolCalls: [call] },
  { role: 'tool', content: '18°C', toolCallId: 'call_1' },
];
const turns = conversation.slice(1);
/** What the gateway derives from it: the question and the earlier exchanges. */
const compat = {
  prompt: 'Weather in Paris?',
  system: 'Be brief.',
  conversation,
  history: [{ prompt: 'Hi', answer: 'Hello!' }],
};

function render(state: AnalysisState, stageId: string, index = state.runs.length): ChatMessage[] {
  const stage = state.spec.patternSpec.stages.find((s) => s.id === stageId) as GenerateStageSpec;
  return renderMessages(state, { stage, index, round: 1, rounds: 1, viewer: 'mock:alpha' });
}

function oneStage(user: string, system?: string): PatternSpecInput {
  const prompt = { user, ...(system !== undefined && { system }) };
  return {
    id: 'p',
    name: 'P',
    description: 'One stage.',
    stages: [{ id: 'answer', label: 'Answer', kind: 'generate', participants: 'all', prompt }],
  };
}

describe('conversation, system instructions and tools in prompts', () => {
  it("puts the caller's system instructions after the stage's own, in one system message", () => {
    const messages = render(
      stateOf(oneStage('Q: {{question}}', 'You are one of several models.'), [], compat),
      'answer',
    );
    expect(messages.filter((m) => m.role === 'system')).toEqual([
      { role: 'system', content: 'You are one of several models.\n\nBe brief.' },
    ]);
    expect(messages[0]?.role).toBe('system');
  });

  it("gives a stage without a system prompt the caller's instructions alone, unfilled", () => {
    const state = stateOf(oneStage('Q: {{question}}'), [], { system: 'Answer {{question}} literally.' });
    expect(render(state, 'answer')).toEqual([
      { role: 'system', content: 'Answer {{question}} literally.' },
      { role: 'user', content: 'Q: How do tides work?' },
    ]);
  });

  it('sends the conversation as real turns to a stage whose user prompt is exactly {{question}}', () => {
    const messages = render(stateOf(builtin('direct'), [], compat), 'answer');
    expect(messages).toEqual([{ role: 'system', content: 'Be brief.' }, ...turns]);
    expect(JSON.stringify(messages)).not.toContain('Conversation so far');
  });

  it('accepts spaces inside the braces and around the template', () => {
    const messages = render(stateOf(oneStage('  {{ question }}\n'), [], compat), 'answer');
    expect(messages.slice(1)).toEqual(turns);
  });

  it("keeps today's rendering (history block included) for other templates", () => {
    const [system, user] = render(stateOf(oneStage('Q: {{question}}'), [], compat), 'answer');
    expect(system).toEqual({ role: 'system', content: 'Be brief.' });
    expect(user?.content).toContain('## Conversation so far');
    expect(user?.content).toMatch(/Q: Weather in Paris\?$/);
  });

  it("gives critique's first stage the turns and its later stages the history block", () => {
    const initial = render(stateOf(builtin('critique'), [], compat), 'initial');
    expect(initial[0]?.role).toBe('system');
    expect(initial[0]?.content).toMatch(/^You are one of several expert models[\s\S]*\n\nBe brief\.$/);
    expect(initial.slice(1)).toEqual(turns);

    const after = stateOf(builtin('critique'), [run(0, 'initial', ['mock:alpha', 'mock:beta', 'mock:gamma'])], compat);
    const meta = render(after, 'meta');
    expect(meta.map((m) => m.role)).toEqual(['system', 'user']);
    expect(meta[0]?.content).toBe('Be brief.');
    expect(meta[1]?.content).toMatch(/^## Conversation so far\n\n### Question 1\nHi\n\n### Answer 1\nHello!/);
    expect(meta[1]?.content).toContain('mock:alpha on initial');
  });

  it('changes nothing without a conversation or system instructions', () => {
    expect(render(stateOf(builtin('direct')), 'answer')).toEqual([{ role: 'user', content: 'How do tides work?' }]);
  });

  it("hands the answering output's tool calls and finish reason to the result", () => {
    const answered = run(0, 'answer', [{ model: 'mock:alpha', text: '' }]);
    answered.outputs[0] = { ...answered.outputs[0], toolCalls: [call], finishReason: 'tool_calls' };
    const state = stateOf(builtin('direct'), [answered], {
      ...compat,
      tools: [{ name: 'get_weather', parameters: {} }],
    });
    const { outcome } = finishWithResult(state);
    expect(outcome).toMatchObject({
      status: 'completed',
      result: { text: '', toolCalls: [call], finishReason: 'tool_calls', model: 'mock:alpha' },
    });
  });
});
