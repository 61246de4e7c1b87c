"use client";
import { useEffect } from "react";
import { usePathname, useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";

const SETUP_PATH = "/settings/security";

/**
 * When the admin's policy requires two-factor sign-in and this account has none yet, every page
 * leads to the security settings until it is set up (the page explains why).
 */
export function TwoFactorGate() {
  const trpc = useTRPC();
  const pathname = usePathname();
  const router = useRouter();
  const { data } = useQuery(trpc.security.overview.queryOptions());
  const mustSetUp = !!data && data.twoFactorRequired && !data.totpEnabled;
  useEffect(() => {
    if (mustSetUp && pathname !== SETUP_PATH) router.replace(SETUP_PATH);
  }, [mustSetUp, pathname, router]);
  return null;
}
