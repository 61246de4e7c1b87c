import type sharpModule from "sharp";

type Sharp = typeof sharpModule;
let loading: Promise<Sharp> | null = null;

/**
 * sharp (libvips), loaded on the first image rather than at start: an idle server never decodes
 * one, and loaded it holds ~15 MiB (measured alone; issue 15). Thumbnails and the site logo share it.
 */
export function loadSharp(): Promise<Sharp> {
  return (loading ??= import("sharp").then((m) => {
    // Thumbnails are background work: one libvips thread keeps requests responsive on small machines.
    m.default.concurrency(1);
    return m.default;
  }));
}
