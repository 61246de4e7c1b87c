import { registerJobHandler } from "@/server/jobs/queue";
import { getTus } from "@/server/upload/tus-server";
import { deleteUserData, USER_DELETE_JOB } from "@/server/admin/admin-users.service";

registerJobHandler(USER_DELETE_JOB, (payload: { userId: string }) =>
  deleteUserData({ userId: payload.userId, removeUpload: (id) => getTus().store.remove(id) }),
);
