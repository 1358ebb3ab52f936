// Runs @nestjs/swagger's compiler plugin under ts-jest, as `nest build` does, so tests see
// the same OpenAPI metadata as the built server.
const plugin = require('@nestjs/swagger/plugin');
const { plugins } = require('../../nest-cli.json').compilerOptions;

const { options } = plugins.find((p) => p.name === '@nestjs/swagger');

module.exports.name = 'nestjs-swagger-transformer';
// ts-jest keys its cache on the transformers' names and versions: new options recompile.
module.exports.version = `1 ${JSON.stringify(options)}`;
module.exports.factory = (compiler) => plugin.before(options, compiler.program);
