import type { Command } from 'commander';
import { register as config } from './config.js';
import { register as publish } from './publish.js';
import { register as simulate } from './simulate.js';

/** Each command is a file in this folder exporting `register(program)`; add one line here. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [config, publish, simulate];
