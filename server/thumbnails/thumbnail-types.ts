// Pure: the grid imports it too, to ask for thumbnails only where one can exist.
// Formats the prebuilt sharp decodes. Not SVG: rendering untrusted SVG on the server would fetch and
// parse whatever it references; the browser shows SVG as an icon, never inline in our origin.
export const THUMBNAIL_TYPES: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif", "image/tiff"]);
