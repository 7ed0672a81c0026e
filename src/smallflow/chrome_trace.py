"""``Timeline(step_stats).generate_chrome_trace_format()``: a traced run for chrome://tracing.

The trace is Chrome's JSON trace-event format, as TensorFlow writes it: one process per
device, one complete ("X") event per op with its name and inputs, and flow arrows from
each op to the ops that read its outputs (``show_dataflow``). Open the file in
chrome://tracing or https://ui.perfetto.dev.
"""

import json
import re

_LABEL = re.compile(r"^(?P<name>[^ ]+) = (?P<op>[^(]+)\((?P<inputs>.*)\)$")


class Timeline:
    """A view of ``RunMetadata.step_stats`` (smallflow's or TensorFlow's message)."""

    def __init__(self, step_stats, graph=None):
        self._step_stats = step_stats
        self._graph = graph

    def generate_chrome_trace_format(self, show_dataflow=True, show_memory=False):
        """The trace as a JSON string (``{"traceEvents": [...]}``)."""
        events = []
        ends = {}
        producers = {}
        for pid, device in enumerate(self._step_stats.dev_stats):
            events.append({"name": "process_name", "ph": "M", "pid": pid,
                           "args": {"name": f"{device.device} Compute"}})
            events.append({"name": "process_sort_index", "ph": "M", "pid": pid,
                           "args": {"sort_index": pid}})
            for node in device.node_stats:
                label = _LABEL.match(node.timeline_label or "")
                op_type = label.group("op") if label else node.node_name
                inputs = [i.strip() for i in label.group("inputs").split(",")] if (
                    label and label.group("inputs").strip()) else []
                args = {"name": node.node_name, "op": op_type}
                for index, name in enumerate(inputs):
                    args[f"input{index}"] = name
                start = int(node.all_start_micros)
                duration = max(int(node.op_end_rel_micros or 0), 1)
                events.append({"name": op_type, "cat": "Op", "ph": "X", "pid": pid, "tid": 0,
                               "ts": start, "dur": duration, "args": args})
                ends[node.node_name] = (pid, start + duration)
                producers[node.node_name] = inputs
                if show_memory:
                    for memory in node.memory:
                        events.append({"name": "Memory", "ph": "C", "pid": pid, "ts": start,
                                       "args": {memory.allocator_name:
                                                int(memory.total_bytes)}})
        if show_dataflow:
            events.extend(_flows(events, ends, producers))
        return json.dumps({"traceEvents": events}, indent=None, separators=(",", ":"))


def _flows(events, ends, producers):
    """Flow-event pairs from each producing op's end to each consumer's start."""
    starts = {e["args"]["name"]: (e["pid"], e["ts"]) for e in events if e.get("ph") == "X"}
    flows = []
    flow_id = 0
    for consumer, inputs in producers.items():
        for name in inputs:
            source = name.lstrip("^").split(":")[0]
            if source not in ends or consumer not in starts:
                continue
            pid, end = ends[source]
            to_pid, to_ts = starts[consumer]
            flows.append({"name": name, "cat": "DataFlow", "ph": "s", "pid": pid, "tid": 0,
                          "ts": end - 1, "id": flow_id})
            flows.append({"name": name, "cat": "DataFlow", "ph": "t", "pid": to_pid,
                          "tid": 0, "ts": to_ts, "id": flow_id})
            flow_id += 1
    return flows
