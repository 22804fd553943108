/** Entry point of dist/cli.js (`pin-hygiene`): process wiring around {@link runCli}. */
import { runCli } from './run';

// `pin-hygiene check --format json | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

void runCli({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
  // exitCode rather than exit(): let buffered output to pipes drain first.
  process.exitCode = code;
});
