import { redirect } from "next/navigation";
import { getPageActor } from "@/server/auth/page-auth";

export default async function Home() {
  redirect((await getPageActor()) ? "/drive" : "/sign-in");
}
