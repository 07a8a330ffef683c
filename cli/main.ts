#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError, errorMessage } from '../core/errors.js';
import { COMMANDS } from './commands/index.js';
import { addGlobalOptions } from './context.js';

/**
 * The `flowlens` command: the only composition root. It reads env and flags, wires components and
 * handles signals; everything below it receives its dependencies.
 * Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
 */
export function buildProgram(): Command {
  const program = addGlobalOptions(new Command('flowlens'))
    .description('Azure NSG and VNet flow logs → ClickHouse → detections, rule tightening, dashboards')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`flowlens: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`flowlens: ${errorMessage(err)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (
  invokedDirectly ||
  process.argv[1]?.endsWith('/cli/main.ts') ||
  process.argv[1]?.endsWith('/cli/main.js')
) {
  main(process.argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`flowlens: ${errorMessage(err)}\n`);
      process.exit(1);
    },
  );
}
