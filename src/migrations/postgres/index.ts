import * as migration_20261122_014847_initial from './20261122_014847_initial';

export const migrations = [
  {
    up: migration_20261122_014847_initial.up,
    down: migration_20261122_014847_initial.down,
    name: '20261122_014847_initial'
  },
];
