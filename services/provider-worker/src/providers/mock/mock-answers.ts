import { createHash } from 'node:crypto';
import { assertNever, type OutputSchemaName, type OutputSpec } from '@ultra/contracts';
import { type MockVoice, sharedClaims } from './mock-voices';

/**
 * What a mock model says, decided only by its voice, the stage's declared output and the prompt. Choices come
 * from a hash, so the same call always gets the same answer and different models or prompts get different ones.
 */

/** The prompt's question: its `## Question` section if it has one, else its first paragraph, on one line. */
export function topicOf(prompt: string): string {
  const question =
    /## Question\n([\s\S]*?)(\n## |$)/.exec(prompt)?.[1] ?? prompt.split(/\n\s*\n/).find((p) => p.trim()) ?? prompt;
  const oneLine = question.replace(/\s+/g, ' ').trim();
  return oneLine.length > 90 ? `${oneLine.slice(0, 87)}...` : oneLine;
}

/** The letters of the anonymised answers the prompt shows ("### Response B" → B), in order, each once. */
export function labelsIn(prompt: string): string[] {
  return [...new Set([...prompt.matchAll(/^### Response ([A-Z]{1,2})\b/gm)].map((m) => m[1]))];
}

/** `mock-confidence=0.4` in a prompt fixes the confidence the mock reports (to steer a cascade in tests). */
function confidenceOverride(prompt: string): number | undefined {
  const match = /mock-confidence=(\d+(?:\.\d+)?)/.exec(prompt);
  return match ? Number(match[1]) : undefined;
}

type Roll = (slot: number, sides: number) => number;

function dice(seed: string): Roll {
  const digest = createHash('sha256').update(seed).digest();
  return (slot, sides) => (sides > 0 ? digest[slot % digest.length] % sides : 0);
}

const LEVELS = ['high', 'high', 'medium', 'low'] as const;
const VERDICTS = ['verified', 'verified', 'flagged', 'uncertain'] as const;
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

interface Call {
  voice: MockVoice;
  roll: Roll;
  prompt: string;
  topic: string;
}

function prose({ voice, roll, topic }: Call): string {
  const first = roll(0, voice.points.length);
  const second = (first + 1 + roll(1, voice.points.length - 1)) % voice.points.length;
  return `${voice.opening} on "${topic}": I focus on ${voice.angle}. First, ${voice.points[first]}. Second, ${voice.points[second]}. ${voice.closing}`;
}

/**
 * 3–4 claims: two from the shared pool (the first the same for every model on this question, the second one of
 * the next two), then one or two of the voice's own points.
 */
function claims({ voice, roll, topic }: Call): string[] {
  const start = dice(topic)(0, sharedClaims.length);
  const shared = [start, start + 1 + roll(2, 2)].map((i) => voice.restate(sharedClaims[i % sharedClaims.length]));
  const own = roll(3, voice.points.length);
  const mine = [voice.points[own], ...(roll(4, 2) ? [voice.points[(own + 1) % voice.points.length]] : [])];
  return [...shared, ...mine].map(capitalised);
}

function structured(schema: OutputSchemaName | undefined, call: Call): Record<string, unknown> {
  const { roll, prompt, voice } = call;
  if (schema === undefined) return { answer: prose(call) };
  switch (schema) {
    case 'ranking': {
      // Fisher–Yates with hashed swaps: an order of its own for each model and prompt.
      const order = labelsIn(prompt);
      for (let i = order.length - 1; i > 0; i--) {
        const j = roll(8 + i, i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      // No label in the prompt gives an empty ranking, which the worker reports as unparseable: there is nothing to rank.
      return { ranking: order.map((letter) => (voice.bareLabels ? letter : `Response ${letter}`)) };
    }
    case 'vote': {
      const labels = labelsIn(prompt);
      const reason = `it makes the point that ${voice.points[roll(5, voice.points.length)]}`;
      if (labels.length === 0) return { reason: 'no answers were shown to vote on' };
      return { vote: `Response ${labels[roll(6, labels.length)]}`, reason };
    }
    case 'review':
      return { claims: claims(call).map((claim, i) => ({ claim, confidence: LEVELS[roll(12 + i, LEVELS.length)] })) };
    case 'verdicts':
      return {
        answer: prose(call),
        claims: claims(call).map((claim, i) => ({
          claim,
          verdict: VERDICTS[roll(16 + i, VERDICTS.length)],
          confidence: (50 + roll(20 + i, 50)) / 100,
        })),
      };
    case 'confidence':
      return { answer: prose(call), confidence: confidenceOverride(prompt) ?? (30 + roll(24, 66)) / 100 };
    default:
      return assertNever(schema);
  }
}

/** The full answer text: prose for text output, the requested JSON (fenced by some voices) for json output. */
export function mockAnswer(voice: MockVoice, seed: string, prompt: string, output: OutputSpec | undefined): string {
  const call: Call = { voice, roll: dice(seed), prompt, topic: topicOf(prompt) };
  if (output?.format !== 'json') return prose(call);
  const data = structured(output.schema, call);
  if (!voice.fencesJson) return JSON.stringify(data);
  return `Here is my answer in the requested format.\n\n\`\`\`json\n${JSON.stringify(data, null, 2)}\n\`\`\``;
}
