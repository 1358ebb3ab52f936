import { CLIENT_ID_SCHEME, CLIENT_SECRET_SCHEME } from '../auth';

/**
 * Swagger UI's Authorize dialog gives every security scheme its own form and Authorize button,
 * even two that one requirement combines: OpenPanel's client id and secret then need two
 * applications, and the capture schemes (PostHog key, Segment Basic, Commanders Act token)
 * come between them and the reader (the dialog even opens scrolled to the last of them,
 * which takes the focus). This plugin makes the id and the secret one form, applied by one
 * click, and the dialog of the top Authorize button that form alone. A capture route's own
 * lock still offers its scheme.
 *
 * Written as browser JavaScript in a string: @nestjs/swagger passes functions to the page as
 * their source text, so the function must not be compiled or instrumented Node code.
 */
const OPENPANEL_PAIR_SOURCE = `
  var pair = ${JSON.stringify([CLIENT_ID_SCHEME, CLIENT_SECRET_SCHEME])};
  function isList(groups) {
    return !!groups && typeof groups.filter === 'function' && typeof groups.push === 'function';
  }
  function isPair(group) {
    return group.keySeq().some(function (name) { return pair.indexOf(name) >= 0; });
  }
  // Every scheme stays listed (an operation's lock picks its own from this list), the id and
  // the secret merged into one group, first.
  function pairMerged(groups) {
    if (!isList(groups)) return groups;
    var found = groups.filter(isPair);
    if (found.size === 0) return groups;
    return groups.filterNot(isPair).unshift(found.reduce(function (a, b) { return a.merge(b); }));
  }
  // The top Authorize button shows every group; then only the pair is shown.
  function pairOnly(groups) {
    if (!isList(groups) || groups.size < 2) return groups;
    var found = groups.filter(isPair);
    return found.size === 0 ? groups : found;
  }
  return {
    statePlugins: {
      auth: {
        wrapSelectors: {
          definitionsToAuthorize: function (original) {
            return function () { return pairMerged(original.apply(null, arguments)); };
          },
        },
        wrapActions: {
          showDefinitions: function (original) {
            return function (groups) { return original(pairOnly(groups)); };
          },
        },
      },
    },
  };
`;

/** The plugins of /docs: the page's default (the URL bar's loader), then ours. */
export function swaggerUiPlugins(): Array<(system: unknown) => unknown> {
  return [
    // The default list is replaced by a given one, so it is named again.
    new Function('system', 'return SwaggerUIBundle.plugins.DownloadUrl(system);') as (system: unknown) => unknown,
    new Function('system', OPENPANEL_PAIR_SOURCE) as (system: unknown) => unknown,
  ];
}
