// jest's node environment, plus: the folders test/support/tempDirs.ts created for this test file are
// removed at teardown, after the file's own afterAll hooks have closed what used them.
const fs = require('node:fs');
const { TestEnvironment } = require('jest-environment-node');

class TempDirEnvironment extends TestEnvironment {
  async teardown() {
    for (const dir of this.global?.__testTempDirs ?? []) {
      try {
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      } catch (error) {
        process.stderr.write(`could not remove ${dir}: ${error.message}\n`);
      }
    }
    await super.teardown();
  }
}

module.exports = TempDirEnvironment;
