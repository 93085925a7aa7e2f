import { randomInt } from 'node:crypto';

// Docker's namesgenerator style, as Coder names what the caller did not: versions and tokens get
// `focused_hopper3`, daemons `focused_hopper`.
const ADJECTIVES = [
  'admiring', 'affectionate', 'amazing', 'awesome', 'blissful', 'bold', 'brave', 'charming', 'clever', 'compassionate',
  'competent', 'confident', 'dazzling', 'determined', 'eager', 'ecstatic', 'elated', 'elegant', 'epic', 'exciting',
  'focused', 'friendly', 'funny', 'gallant', 'gifted', 'gracious', 'happy', 'hopeful', 'inspiring', 'jolly',
  'keen', 'kind', 'laughing', 'loving', 'lucid', 'magical', 'modest', 'nice', 'nifty', 'nostalgic',
  'optimistic', 'peaceful', 'practical', 'quirky', 'relaxed', 'serene', 'sharp', 'stoic', 'sweet', 'tender',
  'trusting', 'upbeat', 'vibrant', 'vigilant', 'vigorous', 'wizardly', 'wonderful', 'youthful', 'zealous', 'zen',
];

const SURNAMES = [
  'albattani', 'allen', 'archimedes', 'babbage', 'bardeen', 'bartik', 'bell', 'blackwell', 'bohr', 'booth',
  'borg', 'curie', 'darwin', 'dijkstra', 'einstein', 'elion', 'euclid', 'euler', 'faraday', 'fermat',
  'feynman', 'franklin', 'galileo', 'gauss', 'goldberg', 'goodall', 'hamilton', 'hawking', 'heisenberg', 'hermann',
  'hodgkin', 'hopper', 'hypatia', 'jang', 'johnson', 'kalam', 'kepler', 'knuth', 'lamarr', 'lovelace',
  'mayer', 'mccarthy', 'meitner', 'mendel', 'morse', 'newton', 'noether', 'pascal', 'pasteur', 'ritchie',
  'shannon', 'sinoussi', 'swartz', 'tesla', 'thompson', 'torvalds', 'turing', 'wescoff', 'wilson', 'wozniak',
];

/** `adjective_surname`, followed by one random digit unless `digit` is false. */
export function randomName({ digit = true }: { digit?: boolean } = {}): string {
  const base = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
  return digit ? `${base}${randomInt(10)}` : base;
}
