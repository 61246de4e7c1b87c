// Generated text for BENCH_ONLY=search: sentences of Chinese and English filler words, with a few
// planted words whose share of documents is known, so each timed query has a known selectivity.
// The filler never contains 合, 年, 项 or 报, nor an English word the queries look for, so a
// planted word is the only way a document matches.

const ZH_FILLER = ["我们", "客户", "数据", "分析", "会议", "纪要", "设计", "方案", "预算", "计划", "产品", "市场", "销售", "团队", "管理", "系统", "服务", "用户", "质量", "进度", "风险", "资源", "目标", "结果", "问题", "建议", "部门", "公司", "员工", "培训", "需要", "完成", "已经", "准备", "讨论", "确认"];
const EN_FILLER = ["system", "market", "budget", "review", "design", "meeting", "customer", "product", "quality", "schedule", "planning", "service", "manager", "account", "summary", "quarterly", "delivery", "support", "invoice", "analysis", "resource", "training", "operations", "strategy", "network", "storage", "office", "weekly", "the", "and", "for", "with", "was", "will", "next", "after"];

/** A planted sentence and the share of documents that carry it. */
export interface Plant {
  share: number;
  line: string;
}

/** What the query bench looks for, with the share of the synthetic documents that match. */
export const PLANTS = {
  common: { share: 0.5, line: "这个项目需要确认。" },
  zh2: { share: 0.1, line: "客户签了合同。" },
  zh4: { share: 0.05, line: "公司的年度报告已经完成。" },
  stem: { share: 0.1, line: "The summary was uploaded on Monday." },
  phrase: { share: 0.05, line: "Please ask the finance team about it." },
  rareEn: { share: 0.001, line: "A xylophone was in the office." },
  rareZh: { share: 0.001, line: "鲲鹏计划已经准备。" },
} satisfies Record<string, Plant>;

/** mulberry32: a small seeded generator, so every run writes the same corpus. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(rand: () => number): string {
  const pick = (words: string[]) => words[Math.floor(rand() * words.length)]!;
  if (rand() < 0.5) {
    const n = 4 + Math.floor(rand() * 7);
    return Array.from({ length: n }, () => pick(ZH_FILLER)).join("") + "。";
  }
  const n = 6 + Math.floor(rand() * 9);
  const words = Array.from({ length: n }, () => pick(EN_FILLER));
  return words[0]![0]!.toUpperCase() + words.join(" ").slice(1) + ".";
}

/**
 * Lines of about `bytes` UTF-8 bytes, each plant added (at a random line) with its share as the
 * probability.
 */
export function benchLines(rand: () => number, bytes: number, plants: Plant[] = Object.values(PLANTS)): string[] {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = sentence(rand);
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  for (const p of plants) if (rand() < p.share) lines.splice(Math.floor(rand() * lines.length), 0, p.line);
  return lines;
}

/** The share of generated documents of about `bytes` that hold `text`, from a sample (the filler's words have no planted share). */
export function sampledShare(text: string, bytes: number, samples = 1000): number {
  const rand = seededRandom(7);
  let hits = 0;
  for (let i = 0; i < samples; i++) if (benchLines(rand, bytes).join("\n").includes(text)) hits++;
  return hits / samples;
}
