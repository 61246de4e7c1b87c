import { Suspense } from "react";
import { SearchView } from "@/components/drive/search-view";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.search");

export default function SearchPage() {
  return (
    <Suspense>
      <SearchView />
    </Suspense>
  );
}
