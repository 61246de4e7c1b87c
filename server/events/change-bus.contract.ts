// The one contract every ChangeBus carrier passes (in process, PostgreSQL, Redis).
import { describe, expect, it } from "vitest";
import type { ChangeBus } from "@/server/events/change-bus";

function nextSeq(bus: ChangeBus, atLeast: bigint): Promise<bigint> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no wake-up ≥ ${atLeast} within 5 s`)), 5000);
    const off = bus.subscribe((seq) => {
      if (seq < atLeast) return;
      clearTimeout(timer);
      off();
      resolve(seq);
    });
  });
}

function nextTopic(bus: ChangeBus, topic: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${topic} within 5 s`)), 5000);
    const off = bus.subscribeTopic(topic, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** `make` gives a new bus on the same carrier each call (two calls = two replicas). */
export function changeBusContract(name: string, make: () => Promise<ChangeBus>) {
  describe(`ChangeBus contract: ${name}`, () => {
    it("delivers a published seq to subscribers of this and of another instance", async () => {
      const a = await make();
      const b = await make();
      try {
        await Promise.all([a.ready(), b.ready()]);
        const onA = nextSeq(a, 41n);
        const onB = nextSeq(b, 41n);
        await a.publish(41n);
        expect(await onA).toBe(41n);
        expect(await onB).toBe(41n);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it("delivers a topic message to subscribers of that topic on this and another instance, and not to other topics", async () => {
      const a = await make();
      const b = await make();
      try {
        await Promise.all([a.ready(), b.ready()]);
        const other: string[] = [];
        const offOther = b.subscribeTopic("contract.other", (p) => other.push(p));
        const onA = nextTopic(a, "contract.topic");
        const onB = nextTopic(b, "contract.topic");
        await a.publishTopic("contract.topic", "hello 1");
        expect(await onA).toBe("hello 1");
        expect(await onB).toBe("hello 1");
        // A later message on the other topic arrives after the first one: nothing leaked before it.
        const later = nextTopic(b, "contract.other");
        await a.publishTopic("contract.other", "second");
        expect(await later).toBe("second");
        expect(other).toEqual(["second"]);
        offOther();
        await expect(a.publishTopic("Bad Topic", "x")).rejects.toThrow(/bad topic/);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it("stops calling a listener after unsubscribe, and keeps calling the others", async () => {
      const bus = await make();
      try {
        await bus.ready();
        const seen: bigint[] = [];
        const off = bus.subscribe((s) => seen.push(s));
        const kept = nextSeq(bus, 8n);
        off();
        await bus.publish(8n);
        expect(await kept).toBe(8n);
        expect(seen).toEqual([]);
      } finally {
        await bus.close();
      }
    });
  });
}
