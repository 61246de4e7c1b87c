import type { MetadataRoute } from "next";

/** The web app manifest: "Add to Home Screen" installs the drive as an app that opens on My Drive. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Yunpan 云盘",
    short_name: "Yunpan",
    description: "Your self-hosted cloud drive",
    start_url: "/drive",
    scope: "/",
    display: "standalone",
    background_color: "#ffffff",
    theme_color: "#4f46e5",
    icons: [
      { src: "/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
      { src: "/favicon.svg", sizes: "any", type: "image/svg+xml" },
    ],
  };
}
