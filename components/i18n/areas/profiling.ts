// Interface strings of the profile buttons on Admin → System, English and Chinese.
import type { Shape } from "@/components/i18n/shape";

const en = {
  title: "Profiles",
  intro: "Record where this server process spends its time or memory, to open in Chrome DevTools (Performance, Memory), VS Code or speedscope, or to attach to a bug report. One at a time; each is recorded in the audit log.",
  cpu: "CPU profile (30 s)",
  heap: "Heap snapshot",
  cpuRunning: "Recording a CPU profile… {seconds} s left",
  heapRunning: "Taking a heap snapshot… the server pauses while it is written",
  saved: "Saved {name}.",
  failed: "The profile could not be taken. Try again.",
  heapHint: "A heap snapshot pauses this server for a few seconds and can be hundreds of MB. With several replicas, the one that answers is profiled.",
};

const zh: Shape<typeof en> = {
  title: "性能分析",
  intro: "记录本服务器进程的时间或内存花在哪里，可在 Chrome 开发者工具（Performance、Memory）、VS Code 或 speedscope 中打开，或附在问题报告里。每次只能进行一项，每次都会记入审计日志。",
  cpu: "CPU 性能分析（30 秒）",
  heap: "堆快照",
  cpuRunning: "正在记录 CPU 性能分析…… 还剩 {seconds} 秒",
  heapRunning: "正在生成堆快照……写入期间服务器会暂停响应",
  saved: "已保存 {name}。",
  failed: "未能完成性能分析，请重试。",
  heapHint: "生成堆快照会让服务器暂停几秒，文件可能有数百 MB。有多个副本时，分析的是响应本次请求的那一个。",
};

export const profilingMessages = { en, zh };
