import type { Command } from 'commander';
import { register as serve } from './serve.js';

/** Each command is a file in this folder exporting `register(program)`; add one line here. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [serve];
