import { randomInt } from 'node:crypto';

// Docker-style names (`adjective_surname`), as Coder gives daemons that do not name themselves.
const ADJECTIVES = [
  'admiring', 'agitated', 'amazing', 'bold', 'brave', 'busy', 'calm', 'clever', 'cool', 'dazzling',
  'determined', 'eager', 'ecstatic', 'elegant', 'epic', 'fervent', 'focused', 'friendly', 'gallant', 'gifted',
  'gracious', 'happy', 'hopeful', 'jolly', 'keen', 'kind', 'loving', 'lucid', 'magical', 'modest',
  'nice', 'nifty', 'optimistic', 'peaceful', 'quirky', 'relaxed', 'serene', 'sharp', 'stoic', 'sweet',
  'tender', 'trusting', 'upbeat', 'vibrant', 'vigilant', 'wizardly', 'wonderful', 'youthful', 'zealous', 'zen',
];
const SURNAMES = [
  'albattani', 'allen', 'archimedes', 'babbage', 'bardeen', 'bell', 'blackwell', 'bohr', 'brattain', 'cannon',
  'curie', 'darwin', 'dijkstra', 'easley', 'einstein', 'euclid', 'euler', 'fermat', 'feynman', 'franklin',
  'galileo', 'gauss', 'goldberg', 'goodall', 'hamilton', 'hawking', 'hopper', 'hypatia', 'johnson', 'kepler',
  'knuth', 'lamport', 'lovelace', 'mayer', 'mccarthy', 'meitner', 'morse', 'newton', 'noether', 'pascal',
  'payne', 'ritchie', 'shannon', 'sinoussi', 'thompson', 'torvalds', 'turing', 'wilson', 'wozniak', 'yonath',
];

export function randomDaemonName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
}
