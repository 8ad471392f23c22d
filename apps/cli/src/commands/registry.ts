/**
 * The commands of `notary-gate`, in help order. A command is a function that
 * adds itself (flags, arguments, action) to the program; a new one (`apply`,
 * `serve`) is a new file here and one line in this list.
 */
import type { Command } from 'commander';
import type { CliContext } from '../support/context';
import { registerApplyCommand } from './apply';
import { registerAttachCommand } from './attach';
import { registerCertCommand } from './cert';
import { registerDemoCommand } from './demo';
import { registerDiscoverCommand } from './discover';
import { registerInspectCommand } from './inspect';
import { registerServeCommand } from './serve';
import { registerSignCommand } from './sign';
import { registerVerifyCommand } from './verify';

export type RegisterCommand = (program: Command, context: CliContext) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  registerInspectCommand,
  registerDiscoverCommand,
  registerVerifyCommand,
  registerSignCommand,
  registerAttachCommand,
  registerCertCommand,
  registerApplyCommand,
  registerServeCommand,
  registerDemoCommand,
];
