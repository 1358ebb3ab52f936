// Resolves @app/* when running TypeScript sources with ts-node outside Jest. (The stock
// `tsconfig-paths/register` reads `--project` from argv, which the CLI uses itself.)
const { join } = require('node:path');
const { register } = require('tsconfig-paths');
const { paths } = require('../../tsconfig.json').compilerOptions;

register({ baseUrl: join(__dirname, '..', '..'), paths });
