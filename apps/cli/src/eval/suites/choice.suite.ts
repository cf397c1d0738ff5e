import type { EvalItem, EvalSuite } from '../eval-types.js';

/** The prompt of a choice item: the question, then one lettered option per line ("A) …"). */
export function letteredQuestion(question: string, choices: readonly string[]): string {
  return [question, ...choices.map((choice, i) => `${String.fromCharCode(65 + i)}) ${choice}`)].join('\n');
}

/**
 * Our own questions (science, history, logic, units, short passages). The right letters are spread evenly over
 * A–D and in no pattern, so a model that favours one position gains nothing.
 */
const questions: [question: string, choices: [string, string, string, string], answer: string][] = [
  [
    'Which gas do plants mainly take from the air for photosynthesis?',
    ['Oxygen', 'Carbon dioxide', 'Nitrogen', 'Hydrogen'],
    'B',
  ],
  ['How many millilitres are there in 2.5 litres?', ['25', '250', '25,000', '2,500'], 'D'],
  [
    'All bloops are razzies, and all razzies are lazzies. Which statement must be true?',
    ['All bloops are lazzies', 'All lazzies are bloops', 'No razzies are bloops', 'Some lazzies are not razzies'],
    'A',
  ],
  ['Which planet is closest to the Sun?', ['Venus', 'Earth', 'Mercury', 'Mars'], 'C'],
  [
    'Read the passage: "Mira planted tomatoes in April. By June the plants were tall but had no fruit, so she ' +
      'moved them to a sunnier spot. Two weeks later the first tomatoes appeared." Why did Mira move the plants?',
    [
      'They were too tall for the bed',
      'She wanted to plant something else there',
      'They had no fruit',
      'The soil was too wet',
    ],
    'C',
  ],
  ['In which year did the Berlin Wall fall?', ['1989', '1991', '1985', '1961'], 'A'],
  [
    'At sea level, water boils at what temperature in degrees Fahrenheit?',
    ['100 °F', '180 °F', '200 °F', '212 °F'],
    'D',
  ],
  [
    'Rule: "If it rains, the match is cancelled." The match was not cancelled. What follows?',
    ['It rained', 'It did not rain', 'The match was played indoors', 'Nothing can be concluded'],
    'B',
  ],
  [
    'In an animal cell, where is most of the DNA found?',
    ['In the nucleus', 'In the ribosomes', 'In the cell membrane', 'In the vacuoles'],
    'A',
  ],
  ['How many square centimetres are there in one square metre?', ['100', '1,000', '1,000,000', '10,000'], 'D'],
  [
    'Who was the first person to walk on the Moon?',
    ['Buzz Aldrin', 'Neil Armstrong', 'Yuri Gagarin', 'John Glenn'],
    'B',
  ],
  [
    'Read the passage: "The museum opens at 9:00 on weekdays and at 10:00 at weekends. On the first Monday of ' +
      'each month it is closed for cleaning." A visitor arrives at 9:30 on a Saturday. What does she find?',
    [
      'The museum is closed for cleaning',
      'The museum opened half an hour ago',
      'The museum opens in half an hour',
      'The museum is closed all day',
    ],
    'C',
  ],
  ['Which of these animals is a mammal?', ['Shark', 'Penguin', 'Salamander', 'Bat'], 'D'],
  ['Which civilisation built Machu Picchu?', ['The Inca', 'The Maya', 'The Aztecs', 'The Olmecs'], 'A'],
  ['Which number comes next: 2, 6, 12, 20, 30, …?', ['38', '40', '42', '44'], 'C'],
  ['Which force keeps the planets in orbit around the Sun?', ['Magnetism', 'Gravity', 'Friction', 'Air pressure'], 'B'],
  ['How many seconds are there in one hour?', ['3,600', '360', '6,000', '60,000'], 'A'],
  [
    'Read the passage: "Jonas takes the bus to school every day unless it snows; when it snows, his father ' +
      'drives him." Today Jonas arrived in his father\'s car. What can you conclude?',
    ['The bus was early', 'Jonas overslept', 'It was snowing', 'His father was going the same way'],
    'C',
  ],
  [
    'Which document, sealed in 1215, limited the power of the English king?',
    ['The Bill of Rights', 'The Domesday Book', 'The Act of Union', 'Magna Carta'],
    'D',
  ],
  ['What is the chemical symbol for sodium?', ['S', 'Na', 'So', 'Sd'], 'B'],
  ['One kilometre is closest to how many miles?', ['0.16', '0.62', '1.61', '2.2'], 'B'],
  [
    'Tom is taller than Ana. Ana is taller than Lea. Lea is taller than Max. Who is the shortest?',
    ['Tom', 'Ana', 'Lea', 'Max'],
    'D',
  ],
  [
    'Which empire did Mansa Musa rule in the 14th century?',
    ['The Mali Empire', 'The Ottoman Empire', 'The Mughal Empire', 'The Byzantine Empire'],
    'A',
  ],
  [
    'What is the main job of red blood cells?',
    ['Fighting infections', 'Clotting blood', 'Carrying oxygen', 'Producing hormones'],
    'C',
  ],
  [
    'Read the passage: "The bridge was closed at the start of March after inspectors found cracks. Repairs ' +
      'took five months, and the bridge reopened with a new weight limit for lorries." When did it reopen?',
    ['At the start of August', 'At the start of March', 'At the start of May', 'At the start of October'],
    'A',
  ],
  ['How many grams are there in 3.2 kilograms?', ['32', '320', '32,000', '3,200'], 'D'],
  [
    'Who set out the theory of evolution by natural selection in "On the Origin of Species"?',
    ['Gregor Mendel', 'Isaac Newton', 'Charles Darwin', 'Louis Pasteur'],
    'C',
  ],
  [
    'A box holds only red and blue balls, twice as many red as blue, 18 balls in all. How many balls are blue?',
    ['9', '6', '12', '3'],
    'B',
  ],
  [
    'In which layer of the atmosphere do we live and does most weather happen?',
    ['Stratosphere', 'Mesosphere', 'Thermosphere', 'Troposphere'],
    'D',
  ],
  ['Which is the largest ocean on Earth?', ['Pacific', 'Atlantic', 'Indian', 'Arctic'], 'A'],
];

const items: EvalItem[] = questions.map(([question, choices, answer], i) => ({
  id: `choice-${String(i + 1).padStart(2, '0')}`,
  kind: 'choice',
  question: letteredQuestion(question, choices),
  answer,
  choices,
}));

export const choiceSuite: EvalSuite = { name: 'choice', items };
