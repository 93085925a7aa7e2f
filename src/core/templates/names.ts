import { randomInt } from 'node:crypto';

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

/** Docker's `namesgenerator.GetRandomName(1)` style, as Coder names unnamed versions: `focused_hopper3`. */
export function randomVersionName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}${randomInt(10)}`;
}
