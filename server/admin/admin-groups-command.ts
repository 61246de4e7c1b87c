import { cliActor } from "@/server/auth/actor";
import { findUserByEmailOrThrow } from "@/server/auth/auth.service";
import { addGroupMember, createGroup, deleteGroup, getGroupByName, listGroupMembers, listGroups, removeGroupMember, renameGroup } from "@/server/groups/groups.service";

export const GROUPS_USAGE = [
  "groups list [--search S]",
  "  groups create NAME",
  "  groups rename OLD NEW",
  "  groups delete NAME",
  "  groups members NAME",
  "  groups add NAME EMAIL",
  "  groups remove NAME EMAIL",
].join("\n");

const usage = () => new Error(`usage: ${GROUPS_USAGE}`);

/** `npm run admin -- groups <sub-command> …`: groups are named by their name (any case), people by email. */
export async function runGroupsCommand(words: string[], opts: { search?: string }): Promise<unknown> {
  const [sub, ...rest] = words;
  const need = (n: number) => {
    if (rest.length !== n) throw usage();
    return rest as string[];
  };
  switch (sub) {
    case "list": {
      need(0);
      const { items } = await listGroups({ actor: cliActor, search: opts.search, pageSize: 200 });
      return items.map((g) => ({ name: g.name, members: g.memberCount, source: g.source }));
    }
    case "create": {
      const [name] = need(1);
      const g = await createGroup({ actor: cliActor, name: name! });
      return { id: g.id, name: g.name };
    }
    case "rename": {
      const [from, to] = need(2);
      const g = await getGroupByName({ actor: cliActor, name: from! });
      const renamed = await renameGroup({ actor: cliActor, groupId: g.id, name: to! });
      return { id: renamed.id, name: renamed.name };
    }
    case "delete": {
      const [name] = need(1);
      const g = await getGroupByName({ actor: cliActor, name: name! });
      return deleteGroup({ actor: cliActor, groupId: g.id });
    }
    case "members": {
      const [name] = need(1);
      const g = await getGroupByName({ actor: cliActor, name: name! });
      const { members } = await listGroupMembers({ actor: cliActor, groupId: g.id });
      return members.map((m) => ({ email: m.email, name: m.name, source: m.source }));
    }
    case "add":
    case "remove": {
      const [name, email] = need(2);
      const g = await getGroupByName({ actor: cliActor, name: name! });
      const user = await findUserByEmailOrThrow(email!);
      if (sub === "add") {
        const { added } = await addGroupMember({ actor: cliActor, groupId: g.id, userId: user.id });
        return { group: g.name, email: user.email, added };
      }
      await removeGroupMember({ actor: cliActor, groupId: g.id, userId: user.id });
      return { group: g.name, email: user.email, removed: true };
    }
    default:
      throw usage();
  }
}
