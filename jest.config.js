const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/** Packages published as ES modules ("type": "module"), found in node_modules. */
function esmPackages(dir = join(__dirname, 'node_modules')) {
  const names = [];
  for (const entry of readdirSync(dir)) {
    const candidates = entry.startsWith('@') ? readdirSync(join(dir, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of candidates) {
      try {
        if (JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')).type === 'module') names.push(name);
      } catch {
        // not a package
      }
    }
  }
  return names.map((n) => n.replace(/[.+]/g, '\\$&'));
}
const ESM_PACKAGES = esmPackages();

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/libs', '<rootDir>/test'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  testEnvironment: 'node',
  transform: {
    '^.+/node_modules/.+\\.m?js$': ['babel-jest', { babelrc: false, configFile: false, plugins: [join(__dirname, 'test/setup/babel-import-meta.js'), '@babel/plugin-transform-dynamic-import', '@babel/plugin-transform-modules-commonjs'] }],
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: 'tsconfig.json',
        // nodenext is a "hybrid" module kind to ts-jest; full type information is still
        // needed here because the Swagger plugin reads types.
        diagnostics: { ignoreCodes: [151002] },
        // The Swagger plugin runs in tests too, so the served document is the built one.
        astTransformers: {
          before: ['<rootDir>/test/setup/swagger-transformer.js'],
        },
      },
    ],
  },
  // NestJS 12 ships as ES modules. Node 20 can require() them, but Jest's own loader can
  // only do so on Node 24.9+, so Jest compiles those packages to CommonJS with Babel.
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: {
    '^@app/(common|database|clickhouse|ingest|analytics)$': '<rootDir>/libs/$1/src',
    '^@app/(common|database|clickhouse|ingest|analytics)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  testTimeout: 120000,
  maxWorkers: 2,
};
