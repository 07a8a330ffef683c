import type { Command } from 'commander';

/** Each command is a file in this folder exporting `register(program)`; add one line here. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [];
