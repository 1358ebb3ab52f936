import { CLIENT_ID_SCHEME, CLIENT_SECRET_SCHEME } from '../auth';

/**
 * Swagger UI's Authorize dialog gives every security scheme its own form and Authorize button,
 * even two that one requirement combines: OpenPanel's client id and secret then need two
 * applications, and the capture schemes (PostHog key, Segment Basic, Commanders Act token)
 * come between them and the reader (the dialog even opens scrolled to the last of them,
 * which takes the focus). This plugin makes the dialog of the top Authorize button one form
 * with the id and the secret, applied by one click. A capture route's own lock still offers
 * its scheme (the operation's requirement, which this leaves as it is).
 *
 * Written as browser JavaScript in a string: @nestjs/swagger passes functions to the page as
 * their source text, so the function must not be compiled or instrumented Node code.
 */
const OPENPANEL_PAIR_SOURCE = `
  var pair = ${JSON.stringify([CLIENT_ID_SCHEME, CLIENT_SECRET_SCHEME])};
  function isPair(group) {
    return group.keySeq().some(function (name) { return pair.indexOf(name) >= 0; });
  }
  function onlyThePair(groups) {
    if (!groups || typeof groups.filter !== 'function') return groups;
    var found = groups.filter(isPair);
    if (found.size === 0) return groups;
    return groups.clear().push(found.reduce(function (a, b) { return a.merge(b); }));
  }
  return {
    statePlugins: {
      auth: {
        wrapSelectors: {
          definitionsToAuthorize: function (original) {
            return function () { return onlyThePair(original.apply(null, arguments)); };
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
