import type { Command } from 'commander';
import { register as config } from './config.js';
import { register as serve } from './serve.js';
import { register as simulate } from './simulate.js';
import { register as stats } from './stats.js';

/** Each command is a file in this folder exporting `register(program)`; add one line here. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [config, simulate, stats, serve];
