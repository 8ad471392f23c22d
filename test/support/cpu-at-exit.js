// Preloaded (`node -r`) by the start-up test: reports the process's CPU time
// (user + system, ms, start-up included) on fd 3 as it exits.
'use strict';
process.on('exit', () => {
  const usage = process.cpuUsage();
  require('node:fs').writeSync(3, `${(usage.user + usage.system) / 1000}\n`);
});
