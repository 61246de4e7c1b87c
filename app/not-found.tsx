import Link from "next/link";
import { Logo } from "@/components/ui/logo";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-6 text-center">
      <Logo className="text-lg" />
      <h1 className="mt-8 text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-zinc-500">This page does not exist, or you do not have access to it.</p>
      <Link href="/drive" className="mt-6 text-sm font-medium text-brand-600 hover:underline">
        Go to My Drive
      </Link>
    </main>
  );
}
