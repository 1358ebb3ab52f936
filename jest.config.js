const { join } = require('node:path');

// The ES-module packages ("type": "module") the tests load. Node 20 can require() them, but
// Jest's own loader cannot before Node 24.9, so Babel compiles these to CommonJS there (from
// 24.9 Jest loads them as they are: compiled, they would fail with "exports is not defined"). One that a
// dependency bump adds stops the spec with "Must use import to load ES Module: <its file>":
// add its package here.
//
// `npm test` runs Jest with --experimental-vm-modules for PGlite, whose CommonJS build loads
// Node's own modules with import(), which Jest's sandbox allows only under that flag.
const ESM_PACKAGES = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-fastify',
  '@nestjs/swagger',
  '@nestjs/mapped-types', // by @nestjs/swagger
  'cookie', // by light-my-request (app.inject)
  'content-disposition', // by @fastify/static
  '@apidevtools/json-schema-ref-parser', // by @apidevtools/swagger-parser (test/openapi)
];

const [major, minor] = process.versions.node.split('.').map(Number);
/** From Node 24.9 Jest loads ES modules itself: compiling them to CommonJS would break them. */
const JEST_LOADS_ESM = major > 24 || (major === 24 && minor >= 9);

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/libs', '<rootDir>/test'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  testEnvironment: 'node',
  transform: {
    '^.+/node_modules/.+\\.m?js$': [
      'babel-jest',
      {
        babelrc: false,
        configFile: false,
        plugins: [
          join(__dirname, 'test/setup/babel-import-meta.js'),
          '@babel/plugin-transform-dynamic-import',
          '@babel/plugin-transform-modules-commonjs',
        ],
      },
    ],
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: 'tsconfig.json',
        // ts-jest warns (151002) on every file it compiles with module nodenext unless
        // isolatedModules is set, which would compile file by file, without the type
        // information the Swagger plugin reads.
        diagnostics: { ignoreCodes: [151002] },
        // The Swagger plugin runs in tests too, so the served document is the built one.
        astTransformers: {
          before: ['<rootDir>/test/setup/swagger-transformer.js'],
        },
      },
    ],
  },
  transformIgnorePatterns: JEST_LOADS_ESM ? ['/node_modules/'] : [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: {
    '^@app/(common|database|clickhouse|ingest|analytics)$': '<rootDir>/libs/$1/src',
    '^@app/(common|database|clickhouse|ingest|analytics)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  testTimeout: 120000,
  maxWorkers: 2,
};
