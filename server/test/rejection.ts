// What a failed call looks like to a test: the tRPC error's code and (translated) message.

export async function rejectionOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const { code, message } = e as { code: string; message: string };
    return { code, message };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** The answer for a missing id, and so for every id the caller may not see. */
export const NOT_FOUND = { code: "NOT_FOUND", message: "This file or folder does not exist, or you do not have access to it." };
