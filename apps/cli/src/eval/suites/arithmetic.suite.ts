import type { EvalItem, EvalSuite } from '../eval-types.js';

/**
 * Multi-step word problems written for Ultra (not taken from GSM8K or any public set, so no model has seen them
 * in training). Each answer was computed, not guessed; decimals are kept exact as text.
 */
const problems: [question: string, answer: string][] = [
  [
    'A baker makes 12 trays of muffins with 18 muffins on each tray. She sells 157 muffins and gives 23 to a ' +
      'shelter. How many muffins are left?',
    '36',
  ],
  [
    'Tomas buys 3 notebooks at $4.25 each and 2 pens at $1.80 each. He pays with a $20 bill. How many dollars ' +
      'of change does he get?',
    '3.65',
  ],
  [
    'A train travels at 84 km/h for 2.5 hours, then at 60 km/h for 1.75 hours. How many kilometres does it ' +
      'travel in total?',
    '315',
  ],
  [
    'At midnight the temperature was 5 °C. It fell 2 degrees every hour for 6 hours, then rose 4 degrees every ' +
      'hour for the next 5 hours. What was the temperature, in °C, at the end?',
    '13',
  ],
  [
    'A garden is 14 m long and 9 m wide. A path 1 m wide runs along the inside of all four edges. What is the ' +
      'area, in square metres, of the garden inside the path?',
    '84',
  ],
  [
    'A library has 480 books. Three eighths of them are novels. Of the other books, 40% are about science. How ' +
      'many science books does the library have?',
    '120',
  ],
  [
    'Maya has $42 and saves $15 every week. She wants a bicycle that costs $237. After how many weeks of saving ' +
      'will she have exactly enough?',
    '13',
  ],
  [
    'A school hires 7 buses with 52 seats each for a trip. 329 students and 24 teachers go on the trip. How ' +
      'many seats stay empty?',
    '11',
  ],
  ['A rectangle has a perimeter of 46 cm and a length of 15 cm. What is its area in square centimetres?', '120'],
  [
    'Ana reads 24 pages on each weekday and 40 pages on each day of the weekend. How many pages does she read ' +
      'in 3 weeks?',
    '600',
  ],
  [
    'A farmer collects 156 eggs, packs them in cartons of 12 and sells each full carton for $3.50. How many ' +
      'dollars does she earn if she sells every carton?',
    '45.5',
  ],
  [
    'A submarine is 120 m below sea level. It rises 45 m and then dives 70 m. What is its position relative to ' +
      'sea level, in metres, using negative numbers for below sea level?',
    '-145',
  ],
  [
    'Three friends share a restaurant bill of $84 plus a 15% tip equally. How many dollars does each friend pay?',
    '32.2',
  ],
  [
    'A car uses 6 litres of fuel per 100 km. Fuel costs $1.70 per litre. How many dollars does the fuel for a ' +
      '450 km trip cost?',
    '45.9',
  ],
  [
    'A jar holds 60 marbles: red, blue and green in the ratio 2 : 3 : 5. All the red marbles and half of the ' +
      'green marbles are taken out. How many marbles are left in the jar?',
    '33',
  ],
  ['A film starts at 7:45 pm and lasts 2 hours and 35 minutes. How many minutes after 9:00 pm does it end?', '80'],
  [
    'Lena is 4 times as old as her son. In 6 years she will be 3 times as old as he will be then. How old is ' +
      'Lena now?',
    '48',
  ],
  [
    'An empty tank holds 750 litres. Water flows in at 25 litres per minute, but the tank leaks 10 litres per ' +
      'minute. How many minutes does it take to fill the tank?',
    '50',
  ],
  [
    'Pencils cost $1 for a pack of 3, and erasers cost $0.75 each. Sam buys 27 pencils and 4 erasers. How many ' +
      'dollars does he spend?',
    '12',
  ],
  ['The sum of five consecutive whole numbers is 215. What is the largest of the five numbers?', '45'],
  [
    'Renting a bike costs an $8 fee plus $3.50 per hour. Kim paid $29 in total. For how many hours did she rent ' +
      'the bike?',
    '6',
  ],
  [
    'In a class of 28 students, three quarters passed a test. One third of the students who passed got an A. ' +
      'How many students got an A?',
    '7',
  ],
  [
    'A worker earns $18 per hour for the first 40 hours of a week and one and a half times that rate for every ' +
      'hour beyond 40. How many dollars does she earn in a week of 46 hours?',
    '882',
  ],
  [
    'A box holds 24 chocolates. Ben eats one sixth of them, then his sister eats one quarter of the chocolates ' +
      'that are left. How many chocolates remain in the box?',
    '15',
  ],
  [
    'A rope 13 m long is cut into as many pieces of 80 cm as possible. How many centimetres of rope are left ' +
      'over?',
    '20',
  ],
  [
    'Jo has $35 in her account. She pays $52 for groceries and $18 for petrol, then deposits $20. What is her ' +
      'balance in dollars now (negative if she owes the bank)?',
    '-15',
  ],
  ['A recipe needs 250 g of flour for 10 cookies. How many grams of flour are needed for 36 cookies?', '900'],
  [
    'A printer prints 18 pages per minute. How many minutes does it take to print 12 copies of a 45-page ' + 'report?',
    '30',
  ],
  [
    'An orchard has 14 rows of 22 apple trees. Each tree gives 35 kg of apples, and the apples are sold in 5 kg ' +
      'bags. How many bags are filled?',
    '2156',
  ],
  [
    'A running track is 400 m long. Nadia runs 12 laps on Monday, 15 on Wednesday and 9 on Friday. How many ' +
      'kilometres does she run in total?',
    '14.4',
  ],
];

const items: EvalItem[] = problems.map(([question, answer], i) => ({
  id: `arith-${String(i + 1).padStart(2, '0')}`,
  kind: 'numeric',
  question,
  answer,
}));

export const arithmeticSuite: EvalSuite = { name: 'arithmetic', items };
