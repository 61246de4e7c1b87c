import { Webhooks } from "@/components/settings/webhooks";

export default function Page() {
  return <Webhooks admin />;
}
