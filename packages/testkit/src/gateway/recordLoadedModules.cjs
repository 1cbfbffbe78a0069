// Preloaded (`node --require`) into a process under test: when the process exits, writes the path of
// every module it loaded through require to LOADED_MODULES_FILE, as a JSON array.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache)));
});
