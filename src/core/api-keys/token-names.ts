import { randomInt } from 'node:crypto';

// Word lists for default token names in Coder's `adjective_noun<digit>` style (e.g. `brave_otter4`).
const ADJECTIVES = [
  'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'cosmic', 'crisp', 'eager', 'fancy', 'gentle', 'happy',
  'jolly', 'keen', 'lively', 'lucid', 'merry', 'mighty', 'nimble', 'noble', 'quick', 'quiet', 'rapid', 'serene',
  'sharp', 'shiny', 'sleek', 'smart', 'snappy', 'steady', 'sunny', 'swift', 'tidy', 'vivid', 'witty', 'zesty',
];
const NOUNS = [
  'badger', 'beacon', 'comet', 'cedar', 'falcon', 'fern', 'forge', 'galaxy', 'harbor', 'heron', 'island', 'kestrel',
  'lantern', 'maple', 'meadow', 'nebula', 'orbit', 'otter', 'panda', 'pebble', 'pine', 'quasar', 'raven', 'river',
  'rocket', 'sparrow', 'summit', 'tiger', 'valley', 'walrus', 'willow', 'zephyr',
];

export function randomTokenName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${NOUNS[randomInt(NOUNS.length)]}${randomInt(10)}`;
}
