/** A container image reference split into the parts the image map keys on. */
export interface ImageReference {
  /** Everything before the tag and digest, e.g. `ghcr.io/jhandguy/canary-deployment/sample-app`. */
  repository: string;
  /** The tag, when one is given (`1.0.0`); Kubernetes would default to `latest`, the map leaves it undefined. */
  tag: string | undefined;
  digest: string | undefined;
}

/**
 * Splits `registry[:port]/path[:tag][@digest]`. The tag is the part after the last `:` of the last path segment,
 * so a registry port (`localhost:5000/app`) is never mistaken for a tag.
 */
export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const rest = at === -1 ? image : image.slice(0, at);
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon === -1) return { repository: rest, tag: undefined, digest };
  return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
}
