// Jest compiles NestJS's ES modules to CommonJS; `import.meta.url` has no CommonJS form, so
// it becomes the file URL of `__filename`. (A plugin that inserts require('url') breaks in
// modules that declare their own `require` via createRequire.)
module.exports = function importMetaUrl({ types: t }) {
  return {
    name: 'import-meta-url-to-filename',
    visitor: {
      MetaProperty(path) {
        const parent = path.parentPath;
        if (!parent.isMemberExpression() || !t.isIdentifier(parent.node.property, { name: 'url' })) return;
        parent.replaceWith(
          t.binaryExpression(
            '+',
            t.stringLiteral('file://'),
            t.callExpression(t.memberExpression(t.identifier('encodeURI'), t.identifier('call')), [
              t.identifier('undefined'),
              t.identifier('__filename'),
            ]),
          ),
        );
      },
    },
  };
};
