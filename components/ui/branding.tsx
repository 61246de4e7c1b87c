"use client";
import { createContext, useContext, type ReactNode } from "react";

// The site's own logo (Admin → Settings), read by the root layout on each page load and handed to
// every Logo; null shows the product's mark.
const BrandingContext = createContext<{ logoUrl: string | null }>({ logoUrl: null });

export function BrandingProvider({ logoUrl, children }: { logoUrl: string | null; children: ReactNode }) {
  return <BrandingContext.Provider value={{ logoUrl }}>{children}</BrandingContext.Provider>;
}

export function useBranding() {
  return useContext(BrandingContext);
}
