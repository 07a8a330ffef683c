import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../../core/errors.js';
import type { Normalizer } from '../../contracts.js';
import type { ReplyMessage, TaskMessage, WorkerSetup } from './protocol.js';
import { columnBuffers } from './transfer.js';

/**
 * A normalizer worker thread: receives bodies, runs the named normalizer, sends the columns back
 * with their buffers transferred (no copy). A normalizer that throws is reported, not fatal, so
 * the main thread turns it into the same reject as in-thread.
 */
const port = parentPort;
if (!port) throw new Error('normalizer worker started outside a worker thread');
const setup = workerData as WorkerSetup;
const variants = ((await import(setup.variantsModule)) as { NORMALIZER_VARIANTS: Record<string, Normalizer> })
  .NORMALIZER_VARIANTS;

port.on('message', (task: TaskMessage) => {
  const body = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength);
  let reply: ReplyMessage;
  try {
    const normalize = variants[task.variant];
    if (!normalize) throw new Error(`unknown normalizer variant ${task.variant}`);
    reply = { type: 'done', id: task.id, result: normalize(body, task.meta) };
  } catch (err) {
    reply = { type: 'threw', id: task.id, message: errorMessage(err) };
  }
  port.postMessage(reply, reply.type === 'done' ? columnBuffers(reply.result.columns) : []);
});
port.postMessage({ type: 'ready' } satisfies ReplyMessage);
